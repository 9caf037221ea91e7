"""URL patterns of the bedrock-agent-runtime endpoint; operations are routed by the botocore model."""

from .responses import BedrockAgentRuntimeResponse

url_bases = [r"https?://bedrock-agent-runtime\.(.+)\.amazonaws\.com"]

url_paths = {r"{0}/(?P<path>[\s\S]*)$": BedrockAgentRuntimeResponse.dispatch}
