"""The ``bedrock`` control-plane backend: moto's own operations plus the model catalog."""
