"""``python -m tracker.lan HOST PORT``: the address phones on the venue's network open, for
``make run HOST=0.0.0.0`` (it prints it and uses it as BASE_URL, in every link and QR code).

For 0.0.0.0 (every interface) it is this machine's address on its default route's network:
asking the kernel which source address a UDP "connection" would use sends no packet.
"""

from __future__ import annotations

import ipaddress
import socket
import sys


def lan_ip() -> str:
    """This machine's address on the local network; 127.0.0.1 when it has none."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # UDP: nothing is sent
        return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def site_address(host: str, port: int) -> str:
    """The http:// address phones should open for a server listening on ``host``."""
    if host in ("0.0.0.0", "::", ""):
        host = lan_ip()
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}:{port}"


def is_loopback_host(host: str) -> bool:
    """127.x.x.x, ::1 or localhost: an address only this computer can open."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


if __name__ == "__main__":  # pragma: no cover - used by the Makefile
    print(site_address(sys.argv[1], int(sys.argv[2])))
