"""Whose files readlist trusts: a library must be yours and writable only by you.

Another user who can write the journal or the lock can rewrite your papers or wedge
your writes; so such a library is refused, with the reason, rather than used.
"""

from __future__ import annotations

import grp
import os
import pwd


def unsafe_reason(st: os.stat_result) -> str | None:
    """Why a file with this status must not be trusted as ours, or None.

    Group-writable is fine only for a user-private group (umask 002 systems).
    """
    euid = os.geteuid()
    if st.st_uid != euid:
        return f"is owned by another user (uid {st.st_uid}, you are {euid})"
    if st.st_mode & 0o002:
        return f"is writable by others (mode {st.st_mode & 0o777:04o}); run chmod o-w on it"
    if st.st_mode & 0o020 and not _private_group(st.st_gid, euid):
        return f"is writable by its group (mode {st.st_mode & 0o777:04o}); run chmod g-w on it"
    return None


def _private_group(gid: int, uid: int) -> bool:
    try:
        group, user = grp.getgrgid(gid), pwd.getpwuid(uid)
    except KeyError:
        return False
    return group.gr_name == user.pw_name and not set(group.gr_mem) - {user.pw_name}
