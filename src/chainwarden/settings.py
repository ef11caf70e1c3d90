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
    # Cookies are marked Secure when the system is served over HTTPS.
    secure_cookies: bool = False
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # AES-GCM data keys and the look-up key; created on first use (keep it apart from backups
    # of the database).
    key_file: str = "chainwarden.keys"
    # Real-name verification service (identity); unset: offline format and checksum check only.
    identity_verifier_url: str | None = None
    identity_verifier_key: str | None = None
    identity_verifier_timeout: float = Field(default=3.0, gt=0, le=120)
    identity_verifier_retries: int = Field(default=2, ge=0, le=10)


@lru_cache
def get_settings() -> Settings:
    return Settings()
