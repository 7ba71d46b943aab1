"""First-run set-up: a workspace with its admin."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from frontdoor.models import Role, User, Workspace
from frontdoor.workspace.users import create_user
from frontdoor.workspace.workspaces import create_workspace


@dataclass(frozen=True)
class InitResult:
    """What ``frontdoor init`` created."""

    workspace: Workspace
    admin: User


def init_workspace(
    session: Session,
    *,
    slug: str,
    name: str,
    admin_email: str,
    admin_password: str,
    language: str = "ko",
) -> InitResult:
    """Create a workspace and its first admin user in one unit of work."""
    ws = create_workspace(session, slug=slug, name=name, default_language=language)
    admin = create_user(
        session,
        workspace_id=ws.id,
        email=admin_email,
        role=Role.ADMIN,
        password=admin_password,
        name="Admin",
        language=language,
    )
    return InitResult(workspace=ws, admin=admin)
