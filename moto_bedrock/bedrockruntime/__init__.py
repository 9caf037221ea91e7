"""The ``bedrock-runtime`` backend: Converse and the other inference operations."""
