"""Settings from the environment (prefix ``CHAINWARDEN_``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic_settings import BaseSettings, SettingsConfigDict

# Deadlines are counted, and shown to people, in China Standard Time.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHAINWARDEN_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///chainwarden.db"
    host: str = "127.0.0.1"
    port: int = 8000
    # Cookies are always marked Secure (they are anyway on requests that arrived over HTTPS).
    secure_cookies: bool = False
    # Proxies (addresses or networks, comma-separated) whose X-Forwarded-For/-Proto are believed;
    # none by default, so the client address is the peer's.
    trusted_proxies: str = ""
    # Requests served at once; up to max_queued_requests more wait request_queue_seconds for a
    # turn, the rest get 503 with Retry-After. The database pool is sized to match.
    max_concurrent_requests: int = 16
    max_queued_requests: int = 64
    request_queue_seconds: float = 0.5
    db_pool_size: int = 16
    db_max_overflow: int = 8
    db_pool_timeout: float = 5.0
    # Where rate limits count (sign-in back-off, complaints): memory:// or redis://host:port/db.
    rate_limit_url: str = "memory://"
    session_hours: int = 12
    # AES-GCM data keys and the look-up key; created on first use (keep it apart from backups
    # of the database).
    key_file: str = "chainwarden.keys"
    # Real-name verification service (identity); unset: offline format and checksum check only.
    identity_verifier_url: str | None = None
    identity_verifier_key: str | None = None
    identity_verifier_timeout: float = 3.0
    identity_verifier_retries: int = 2


@lru_cache
def get_settings() -> Settings:
    return Settings()
