"""URL patterns of the bedrock control-plane endpoint.

The agent and knowledge-base paths moto serves under this host keep going to moto's
handler; everything else is ours. Specific patterns come first: decorator mode takes the
first pattern that matches.
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
    "{0}/.*$": BedrockResponse.dispatch,
}
