"""Commands for the service: `serve` (the REST API and the web app) and its users."""

from typing import Annotated

import typer

from exportguard.cli import app
from exportguard.cli.common import JsonFlag, open_service, out, print_json, run, say, warn

users_app = typer.Typer(
    help="Accounts of the service: users, roles and API tokens.", no_args_is_help=True
)
app.add_typer(users_app, name="users")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Create the demo list and demo accounts (known passwords) on an empty "
            "store. Only on a loopback address.",
        ),
    ] = False,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Addresses of the reverse proxies whose X-Forwarded-For to trust (comma-"
            "separated). Without it the header is ignored.",
        ),
    ] = None,
) -> None:
    """Run the REST API (/api/v1, docs at /docs) and the web application (/)."""
    import ipaddress
    import os

    import uvicorn

    from exportguard import settings
    from exportguard.api import configure_logging
    from exportguard.cli.common import State
    from exportguard.cli.workers import ServerOptions, reuse_port_available
    from exportguard.cli.workers import serve as serve_workers
    from exportguard.services.accounts import DEMO_ACCOUNTS

    if State.db:
        os.environ["EXPORTGUARD_DATABASE_URL"] = State.db
    if demo:
        os.environ["EXPORTGUARD_DEMO"] = "1"
    demo = settings.load().demo
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if demo and not loopback:
        raise typer.BadParameter(
            f"demo accounts have known passwords: serve them on 127.0.0.1 only, not "
            f"{host!r} (drop --demo / EXPORTGUARD_DEMO, and create users with "
            "`exportguard users create`)",
            param_hint="--host",
        )
    if not loopback:
        public = open_service().accounts.demo_passwords_in_use()
        if public:
            raise typer.BadParameter(
                f"this store still has demo accounts with their public passwords "
                f"({', '.join(public)}): disable them (`exportguard users disable NAME`) or "
                f"set new passwords (`exportguard users password NAME`) before serving on "
                f"{host!r}",
                param_hint="--host",
            )
    configure_logging()

    def listening(port: int) -> None:
        warn(f"ExportGuard at http://{host}:{port}/ (API: /api/v1, its docs: /docs); "
             "Ctrl-C stops.")  # fmt: skip

    if demo:
        accounts = ", ".join(
            f"{user} / {password}" + (f" ({company})" if company else "")
            for user, password, _, company in DEMO_ACCOUNTS
        )
        warn(f"Demo accounts (on a store with no users yet): {accounts}")
    # Client addresses (sign-in throttling, logs) from X-Forwarded-For only when the
    # operator names the proxies that set it; else a client could pick its address.
    options: ServerOptions = {
        "app": "exportguard.api:app_from_settings", "factory": True, "log_level": "warning",
        "log_config": None,  # keep configure_logging's JSON handlers
        "proxy_headers": bool(forwarded_allow_ips),
        "forwarded_allow_ips": forwarded_allow_ips or None, "timeout_graceful_shutdown": 20,
    }  # fmt: skip
    if workers > 1 and reuse_port_available():
        try:
            status = serve_workers(options, host, port, workers, on_listen=listening,
                                   on_stop=warn)  # fmt: skip
        except OSError as exc:
            raise typer.BadParameter(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                                     param_hint="--port") from exc  # fmt: skip
        raise typer.Exit(status)
    listening(port)
    uvicorn.run(host=host, port=port, workers=workers, **options)


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[str, typer.Option(help="exporter, officer, auditor or admin.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    exporter: Annotated[str | None, typer.Option(help="The company of an exporter.")] = None,
) -> None:
    """Create a user."""
    def action() -> None:
        from exportguard.api.schemas.accounts import NewUserOut

        made = open_service().accounts.create_user(username, password, role, exporter)
        out.print(NewUserOut.model_validate(made, from_attributes=True).model_dump())

    run(action)


@users_app.command("list")
def users_list(as_json: JsonFlag = False) -> None:
    """Users and their roles."""

    def action() -> None:
        found = open_service().accounts.users()
        if as_json:
            from exportguard.api.schemas.accounts import user_out

            print_json([user_out(u).model_dump(mode="json") for u in found])
            return
        for u in found:
            say(f"{u.username} {u.role} {u.exporter or ''} {'active' if u.active else 'disabled'}")

    run(action)


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable a user (its sessions and tokens stop working)."""

    def action() -> None:
        open_service().accounts.set_active(username, False)
        out.print(f"disabled {username}")

    run(action)


@users_app.command("enable")
def users_enable(username: str) -> None:
    """Enable a disabled user again."""

    def action() -> None:
        open_service().accounts.set_active(username, True)
        out.print(f"enabled {username}")

    run(action)


@users_app.command("role")
def users_role(
    username: str,
    role: Annotated[str, typer.Argument(help="exporter, officer, auditor or admin.")],
    exporter: Annotated[str | None, typer.Option(help="The company of an exporter.")] = None,
) -> None:
    """Change a user's role; their sessions end. The last admin keeps the role."""

    def action() -> None:
        open_service().accounts.set_role(username, role, exporter)
        out.print(f"{username} is now {role}")

    run(action)


@users_app.command("password")
def users_password(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Set a user's password (12+ characters, not easy to guess); their sessions end."""

    def action() -> None:
        open_service().accounts.reset_password(username, password)
        out.print(f"password of {username} changed")

    run(action)


@users_app.command("token")
def users_token(
    username: str,
    name: Annotated[str, typer.Option()] = "api",
    days: Annotated[int, typer.Option(min=1, max=366, help="Days until it expires.")] = 90,
) -> None:
    """Create an API token for a user (printed once; stored hashed; expires)."""

    def action() -> None:
        token_id, token = open_service().accounts.create_token(username, name, days=days)
        out.print(f"token {token_id} for {username} ({days} days): {token}", highlight=False)

    run(action)


@users_app.command("revoke-token")
def users_revoke_token(token_id: int) -> None:
    """Revoke an API token."""

    def action() -> None:
        open_service().accounts.revoke_token(token_id)
        out.print(f"revoked {token_id}")

    run(action)
