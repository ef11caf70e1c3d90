"""chainwarden — compliance for blockchain information services (区块链信息服务管理规定)."""

__version__ = "0.1.0"
