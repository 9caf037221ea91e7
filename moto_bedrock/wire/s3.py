"""``s3://bucket/prefix`` locations as Bedrock's job and logging settings give them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["S3Location"]


@dataclass(frozen=True)
class S3Location:
    """A bucket and a key prefix (no leading or trailing slash; may be empty)."""

    bucket: str
    prefix: str = ""

    @classmethod
    def parse(cls, uri: str) -> S3Location | None:
        """The location ``uri`` names, or None when it is not an ``s3://bucket/...`` URI."""
        if not uri.startswith("s3://"):
            return None
        bucket, _, prefix = uri[len("s3://") :].partition("/")
        return cls(bucket, prefix.strip("/")) if bucket else None

    def key(self, *parts: str) -> str:
        """The key of ``parts`` under this prefix."""
        return "/".join(p.strip("/") for p in (self.prefix, *parts) if p.strip("/"))

    def uri(self, *parts: str) -> str:
        return f"s3://{self.bucket}/{self.key(*parts)}"
