"""URL patterns of the bedrock-runtime endpoint; operations are routed by the botocore model."""

from .responses import BedrockRuntimeResponse

url_bases = [r"https?://bedrock-runtime\.(.+)\.amazonaws\.com"]

url_paths = {"{0}/.*$": BedrockRuntimeResponse.dispatch}
