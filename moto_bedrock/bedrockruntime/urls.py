"""URL patterns of the bedrock-runtime endpoint; operations are routed by the botocore model.

One catch-all, matching any character (``.`` would not match a newline; see
``bedrock/urls.py``).
"""

from .responses import BedrockRuntimeResponse

url_bases = [r"https?://bedrock-runtime\.(.+)\.amazonaws\.com"]

url_paths = {r"{0}/(?P<path>[\s\S]*)$": BedrockRuntimeResponse.dispatch}
