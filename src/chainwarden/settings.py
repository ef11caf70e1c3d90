"""Settings from the environment (prefix ``CHAINWARDEN_``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Deadlines are counted, and shown to people, in China Standard Time.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHAINWARDEN_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///chainwarden.db"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Cookies are always marked Secure (they are anyway on requests that arrived over HTTPS).
    secure_cookies: bool = False
    # Proxies (addresses or networks, comma-separated) whose X-Forwarded-For/-Proto are believed;
    # none by default, so the client address is the peer's.
    trusted_proxies: str = ""
    # Requests served at once; up to max_queued_requests more wait request_queue_seconds for a
    # turn, the rest get 503 with Retry-After. The database pool is sized to match.
    max_concurrent_requests: int = Field(default=16, ge=1, le=10_000)
    max_queued_requests: int = Field(default=64, ge=0, le=100_000)
    request_queue_seconds: float = Field(default=0.5, ge=0, le=60)
    db_pool_size: int = Field(default=16, ge=1, le=1_000)
    db_max_overflow: int = Field(default=8, ge=0, le=1_000)
    db_pool_timeout: float = Field(default=5.0, gt=0, le=300)
    # Where rate limits count (sign-in back-off, complaints): memory:// or redis://host:port/db.
    rate_limit_url: str = "memory://"
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # AES-GCM data keys and the look-up key; created on first use (keep it apart from backups
    # of the database).
    key_file: str = "chainwarden.keys"
    # Real-name verification service (identity); unset: offline format and checksum check only.
    identity_verifier_url: str | None = None
    identity_verifier_key: str | None = None
    identity_verifier_timeout: float = Field(default=3.0, gt=0, le=120)
    identity_verifier_retries: int = Field(default=2, ge=0, le=10)
    # Work that is not a request (chain scans): nats://host:4222 for NATS JetStream and workers
    # on any host; unset: run in the process that asked for it.
    queue_url: str | None = None
    queue_stream: str = Field(default="CHAINWARDEN_JOBS", pattern=r"^[A-Z][A-Z0-9_]{0,63}$")
    # A job not acknowledged this long after delivery (its worker died) is delivered again.
    queue_ack_wait: float = Field(default=60.0, ge=1, le=3600)


@lru_cache
def get_settings() -> Settings:
    return Settings()
