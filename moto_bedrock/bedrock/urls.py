"""URL patterns of the bedrock control-plane endpoint.

The agent and knowledge-base paths moto serves under this host keep going to moto's
handler; everything else is ours. Specific patterns come first: decorator mode takes the
first pattern that matches. The catch-all matches any character (``.`` would not match a
newline, and the server matches decoded paths), so a path holding ``%0A`` still gets a
modeled error rather than the web framework's HTML 404.
"""

from .._moto import AgentsforBedrockResponse
from .responses import BedrockResponse

url_bases = [r"https?://bedrock\.(.+)\.amazonaws\.com"]

url_paths = {
    "{0}/agents/?$": AgentsforBedrockResponse.dispatch,
    "{0}/agents/(?P<agent_name>[^/]+)/$": AgentsforBedrockResponse.dispatch,
    "{0}/knowledgebases$": AgentsforBedrockResponse.dispatch,
    "{0}/knowledgebases/(?P<kb_name>[^/]+)$": AgentsforBedrockResponse.dispatch,
    "{0}/knowledgebases/(?P<kb_name>[^/]+)/$": AgentsforBedrockResponse.dispatch,
    "{0}/tags/(?P<resource_arn>[^/]+)$": AgentsforBedrockResponse.dispatch,
    "{0}/tags/(?P<arn_prefix>[^/]+)/(?P<name>[^/]+)$": AgentsforBedrockResponse.dispatch,
    r"{0}/(?P<path>[\s\S]*)$": BedrockResponse.dispatch,
}
