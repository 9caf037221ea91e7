"""The wire: raw-request checks and error format, validation against botocore shapes, streams."""
