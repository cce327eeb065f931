"""The one exception tree of xtplay.

Every error a person can meet is an ``XtplayError`` whose ``str()`` is a sentence they can
act on. Errors from httpx, sqlite3, ffmpeg and the OS are translated into these once, at
the edge where they happen, and become output only in ``cli.main`` and the web layer. The
English sentence is marked for translation (``N_``) and kept apart from the values filled into
it (``template``, ``params``), so the web layer can show it in the reader's language; a value
that is itself a marked part of a sentence (what was sent instead, why a link is refused) is a
:class:`~xtplay.i18n.Phrase`, translated with the sentence.

    XtplayError
    ├── ConfigError                 bad setting or command-line value
    ├── StoreError                  the SQLite library
    │   ├── DatabaseTooNew          written by a newer xtplay; left untouched
    │   └── DatabaseUnavailable     cannot open / locked / disk full
    ├── VaultError                  the credential vault
    │   └── SecretUnreadable        tampered or undecryptable secret: re-enter the password
    ├── ProfileError
    │   ├── ProfileNotFound
    │   ├── ProfileExists
    │   ├── InvalidProfile          a field fails validation
    │   └── ProfileBusy             deleting a profile while its catalog is syncing
    ├── ProviderError               anything a provider did or did not answer
    │   ├── ProviderUnreachable     DNS, refused connection, reset before an answer
    │   ├── ProviderTimeout         no answer within the time limit
    │   ├── ProviderServerError     the provider is down: HTTP 5xx, or a page naming its database failing
    │   ├── ProviderRefused         another unexpected status (403, 405, 406, 458, 884 …)
    │   │   └── TooManyConnections  the line's connection limit is reached (458, or words saying so)
    │   ├── MalformedResponse       not an Xtream server, HTML where JSON was expected, truncated
    │   ├── NotAPlaylist            an M3U address or file that holds a web page, nothing, or noise
    │   ├── ItemNotFound            the provider does not know this id
    │   ├── StreamOffAir            a stream answered with nothing, or a page saying it is offline
    │   ├── StreamProtected         a playlist entry locked by DRM (a licence server): not playable here
    │   ├── UnsafeUpstream          a URL the provider gave points where xtplay never fetches from
    │   ├── NotAnImage              artwork that is not a picture xtplay shows (SVG, a page, too big)
    │   └── AuthError
    │       ├── WrongCredentials
    │       └── AccountInactive     expired, banned or disabled (carries status and expiry)
    ├── CatalogError                browse/search/sync problems that are not the provider's
    │   ├── SyncAlreadyRunning      another sync of this profile is in progress
    │   ├── InvalidBrowse           a browse request that cannot be answered (stale cursor, unknown sort)
    │   ├── UnknownItemType         a type that is not live, movie, series or episode
    │   └── NotInLibrary            no such item in the profile's library
    ├── GuideError                  programme guide problems (broken XMLTV …)
    └── PlaybackError               stream cannot be played (ffmpeg failed, unsupported …)
        ├── NotAStream              the provider answered a page or noise where a stream belongs
        ├── NoLiveFormatWorked      every live format the account allows failed to start
        └── ConversionsBusy         every ffmpeg slot stayed taken while a new viewer waited
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from xtplay.i18n import N_, Phrase


class XtplayError(Exception):
    """Root of every error xtplay raises on purpose; ``str()`` is fit for a person."""

    #: HTTP status the web layer answers with.
    status_code: int = 500
    #: Short title for an error panel.
    title: str = N_("Something went wrong")
    #: Whether retrying the same action may succeed.
    retryable: bool = False

    def __init__(self, message: str | None = None, params: Mapping[str, Any] | None = None) -> None:
        template = message or self.title
        text = template % params if params else template
        super().__init__(text)
        self.message = text
        #: The English sentence before ``params`` were filled in: the msgid the web layer
        #: translates (messages marked with ``N_`` where they are written are in the catalogs).
        self.template = template
        self.params: dict[str, Any] = dict(params or {})


class ConfigError(XtplayError):
    """A setting or a command-line value is not usable."""

    status_code = 400
    title = N_("Invalid setting")


class StoreError(XtplayError):
    """The local library (SQLite) failed."""

    title = N_("Library error")


class DatabaseTooNew(StoreError):
    """The database was written by a newer xtplay; it is left untouched."""

    title = N_("Library from a newer version")

    def __init__(self, path: str, found: int, supported: int) -> None:
        self.path, self.found, self.supported = path, found, supported
        super().__init__(
            N_("The library %(path)s was written by a newer xtplay (schema %(found)s, this version "
               "knows %(supported)s). Upgrade xtplay; the file was not touched."),
            {"path": path, "found": found, "supported": supported})


class DatabaseUnavailable(StoreError):
    """The database file cannot be opened or written."""

    title = N_("Library unavailable")
    retryable = True


class VaultError(XtplayError):
    """The credential vault failed."""

    title = N_("Credential vault error")


class SecretUnreadable(VaultError):
    """A stored secret cannot be decrypted (tampered, or the master key changed)."""

    status_code = 409
    title = N_("Password unreadable")

    def __init__(self, profile_name: str | None = None) -> None:
        self.profile_name = profile_name
        if profile_name:
            super().__init__(N_("The stored password of profile “%(name)s” cannot be decrypted (the key changed or the data "
                                "was altered). Re-enter the password to continue."), {"name": profile_name})
        else:
            super().__init__(N_("The stored password cannot be decrypted (the key changed or the data was altered). "
                                "Re-enter the password to continue."))


class ProfileError(XtplayError):
    """A profile cannot be used or saved."""

    status_code = 400
    title = N_("Profile error")


class ProfileNotFound(ProfileError):
    """No profile has that name or id."""

    status_code = 404
    title = N_("No such profile")

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(N_("No profile named “%(name)s”."), {"name": name})


class ProfileExists(ProfileError):
    """Profile names are unique, case-insensitively."""

    status_code = 409
    title = N_("Profile exists")

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(N_("A profile named “%(name)s” already exists."), {"name": name})


class InvalidProfile(ProfileError):
    """A profile field fails validation."""

    title = N_("Invalid profile")

    def __init__(self, field: str, message: str, params: Mapping[str, Any] | None = None) -> None:
        self.field = field
        super().__init__(message, params)


class ProfileBusy(ProfileError):
    """Deleting a profile while its catalog is being synced would fight the sync."""

    status_code = 409
    title = N_("Sync in progress")
    retryable = True

    def __init__(self) -> None:
        super().__init__(N_("This profile is being synced right now; try again when the sync is done."))


class ProviderError(XtplayError):
    """The provider failed or answered something unusable."""

    status_code = 502
    title = N_("Provider error")
    retryable = True


class ProviderUnreachable(ProviderError):
    """No connection could be made (DNS, refused, reset before any answer)."""

    title = N_("Server unreachable")

    def __init__(self, host: str, reason: str = "") -> None:
        self.host = host
        if reason:
            super().__init__(N_("Cannot reach the server %(host)s (%(reason)s). Check the address and your network."),
                             {"host": host, "reason": reason})
        else:
            super().__init__(N_("Cannot reach the server %(host)s. Check the address and your network."), {"host": host})


class ProviderTimeout(ProviderError):
    """The provider did not answer within the time limit."""

    status_code = 504
    title = N_("Server timed out")

    def __init__(self, host: str, seconds: float | None = None) -> None:
        self.host, self.seconds = host, seconds
        if seconds:
            super().__init__(N_("The server %(host)s did not answer after %(seconds)s s. It may be overloaded; try again."),
                             {"host": host, "seconds": f"{seconds:g}"})
        else:
            super().__init__(N_("The server %(host)s did not answer. It may be overloaded; try again."), {"host": host})


class ProviderServerError(ProviderError):
    """The provider is down: an HTTP 5xx status, or a page saying its database failed."""

    title = N_("Provider down")

    def __init__(self, host: str, status: int, failure: str | None = None) -> None:
        self.host, self.status = host, status
        if failure:
            super().__init__(N_("The provider is down: its server %(host)s %(failure)s. Try again later."),
                             {"host": host, "failure": failure})
        else:
            super().__init__(N_("The provider is down: its server %(host)s failed with HTTP %(status)s. Try again later."),
                             {"host": host, "status": status})


class ProviderRefused(ProviderError):
    """The provider refused the request with an unexpected status."""

    title = N_("Refused by the provider")
    retryable = False

    def __init__(self, host: str, status: int, message: str | None = None,
                 params: Mapping[str, Any] | None = None) -> None:
        self.host, self.status = host, status
        if message:
            super().__init__(message, params)
        else:
            super().__init__(N_("The server %(host)s refused the request (HTTP %(status)s)."), {"host": host, "status": status})


class TooManyConnections(ProviderRefused):
    """The account's connection limit is reached (counts from the login answer when known)."""

    status_code = 429
    title = N_("Too many connections")

    def __init__(self, host: str, status: int = 458, max_connections: int | None = None,
                 active_connections: int | None = None) -> None:
        self.max_connections, self.active_connections = max_connections, active_connections
        if max_connections:
            in_use = max(active_connections or 0, max_connections)
            super().__init__(host, status, N_("Too many connections: %(in_use)s of %(max)s in use. Stop another player "
                                              "on this account and try again."), {"in_use": in_use, "max": max_connections})
        else:
            super().__init__(host, status, N_("Too many connections: all of your account's connections are in use. "
                                              "Stop another player on this account and try again."))


class MalformedResponse(ProviderError):
    """The answer is not what an Xtream server sends (HTML, truncated or invalid JSON)."""

    title = N_("Not an Xtream server")

    def __init__(self, host: str, what: str = N_("an unreadable answer"), *, guide: bool = False) -> None:
        """``guide``: the address should have sent an XMLTV guide (a playlist's or an added one)."""
        self.host, self.what = host, what
        if guide:
            message = N_("The server %(host)s sent %(what)s instead of an XMLTV guide. Check the guide address; "
                         "if it is right, the provider may be having trouble.")
        else:
            message = N_("The server %(host)s sent %(what)s instead of Xtream data. Check the server address; "
                         "if it is right, the provider may be having trouble.")
        super().__init__(message, {"host": host, "what": what if isinstance(what, Phrase) else Phrase(what)})


class NotAPlaylist(ProviderError):
    """An M3U playlist address or file that does not hold a playlist (or cannot be read)."""

    title = N_("Not a playlist")

    def __init__(self, where: str, sentence: str, params: Mapping[str, Any] | None = None) -> None:
        """``where`` names the file or address (a :class:`Phrase`); ``sentence`` is the marked
        sentence saying what is wrong with it, with a ``%(where)s`` field for it."""
        self.where = where
        super().__init__(sentence, {**(params or {}), "where": where})
        self.reason = self.message


class StreamProtected(ProviderError):
    """A playlist entry whose stream is encrypted with DRM, which no player here can open."""

    status_code = 403
    title = N_("Protected, not playable here")

    def __init__(self, name: str, scheme: str) -> None:
        self.name, self.scheme = name, scheme
        what = "DRM" if scheme.upper() == "DRM" else f"{scheme} DRM"
        super().__init__(N_("“%(name)s” is protected (%(what)s), not playable here."), {"name": name, "what": what})


class ItemNotFound(ProviderError):
    """The provider does not know this id (or it is outside the account's bouquet)."""

    status_code = 404
    title = N_("Not found")
    retryable = False


class UnsafeUpstream(ProviderError):
    """A URL a provider gave (a playlist entry, a redirect) points at a place xtplay never fetches
    from: a file, this app itself, a cloud metadata service. It is refused, not followed."""

    status_code = 502
    title = N_("Refused to follow")
    retryable = False

    def __init__(self, why: str) -> None:
        self.why = why
        super().__init__(N_("A link from the provider points at %(why)s; xtplay does not follow such links, "
                            "so this cannot be played."), {"why": why if isinstance(why, Phrase) else Phrase(why)})


class NotAnImage(ProviderError):
    """A logo or poster the provider points at is not a picture xtplay shows: an SVG, a page,
    a file too big or of absurd dimensions. The placeholder is shown instead."""

    status_code = 502
    title = N_("Not a picture")
    retryable = False

    def __init__(self, host: str, reason: str) -> None:
        self.host, self.reason = host, reason
        super().__init__(N_("The artwork at %(host)s is not a picture xtplay shows: %(reason)s."),
                         {"host": host, "reason": reason if isinstance(reason, Phrase) else Phrase(reason)})


class StreamOffAir(ProviderError):
    """A stream answered with nothing (an empty 200), or with a page saying it is offline."""

    status_code = 503
    title = N_("Channel off-air")

    def __init__(self, host: str) -> None:
        self.host = host
        super().__init__(N_("This channel is off-air: the provider sends nothing for it right now. "
                            "Try again later, or pick another channel."))


class AuthError(ProviderError):
    """The provider rejected the account."""

    status_code = 401
    title = N_("Login failed")
    retryable = False


class WrongCredentials(AuthError):
    """Username or password is wrong."""

    title = N_("Wrong username or password")

    def __init__(self, host: str = "") -> None:
        self.host = host
        super().__init__(N_("Wrong username or password."))


class AccountInactive(AuthError):
    """The account exists but is expired, banned or disabled."""

    title = N_("Account not active")

    def __init__(self, status: str, exp_date: datetime | None = None) -> None:
        self.status, self.exp_date = status.lower(), exp_date
        params: dict[str, Any] = {}
        if self.status == "expired" and exp_date is not None:
            msg, params = N_("Your account expired on %(date)s. Renew it with your provider."), {"date": f"{exp_date:%Y-%m-%d}"}
        elif self.status == "expired":
            msg = N_("Your account has expired. Renew it with your provider.")
        elif self.status == "banned":
            msg = N_("Your account is banned by the provider.")
        elif self.status == "disabled":
            msg = N_("Your account is disabled by the provider.")
        else:
            msg, params = N_("Your account is not active (status: %(status)s)."), {"status": status}
        super().__init__(msg, params)


class CatalogError(XtplayError):
    """Browse, search or sync failed for a reason that is not the provider's."""

    title = N_("Catalog error")


class InvalidBrowse(CatalogError):
    """A browse request names a page cursor or a sort that does not exist: the request's fault."""

    status_code = 400
    title = N_("Cannot show this list")


class SyncAlreadyRunning(CatalogError):
    """Another sync of this profile is in progress (in this process or another)."""

    status_code = 409
    title = N_("Sync already running")
    retryable = True

    def __init__(self, profile_name: str) -> None:
        self.profile_name = profile_name
        super().__init__(N_("The catalog of “%(name)s” is already being synced; wait for it to finish."),
                         {"name": profile_name})


class UnknownItemType(CatalogError):
    """The type is not one xtplay keeps (live, movie, series, episode)."""

    status_code = 400
    title = N_("Unknown item type")


class NotInLibrary(CatalogError):
    """No item with that id in the profile's library (so there is no name to keep)."""

    status_code = 404
    title = N_("Not in the library")


class GuideError(XtplayError):
    """The programme guide cannot be read or stored."""

    title = N_("Programme guide error")


class PlaybackError(XtplayError):
    """A stream cannot be played."""

    status_code = 502
    title = N_("Playback failed")


class ConversionsBusy(PlaybackError):
    """Every conversion slot stayed taken for as long as a new viewer waits: told at once, with
    when to try again, rather than starting one conversion too many and stuttering them all."""

    status_code = 503
    title = N_("Conversions busy")
    retryable = True

    def __init__(self, limit: int, retry_after: int) -> None:
        self.limit, self.retry_after = limit, retry_after
        super().__init__(N_("%(limit)s conversions are already running; stop one and try again."), {"limit": limit})


class NotAStream(PlaybackError):
    """The provider's answer is not a stream: an HTML or JSON page, nothing, or unknown bytes."""

    title = N_("Not a stream")
    retryable = True

    def __init__(self, host: str, what: str, detail: str | None = None, file: bool = False) -> None:
        """``file``: the answer stood for a movie or an episode (which no channel's air explains)."""
        self.host, self.what, self.detail, self.file = host, what, detail, file
        if file and detail:
            super().__init__(N_("The server %(host)s answered with %(what)s (“%(detail)s”) instead of the file. "
                                "The provider may have removed it, or the account may not include it."),
                             {"host": host, "what": what, "detail": detail})
        elif file:
            super().__init__(N_("The server %(host)s answered with %(what)s instead of the file. "
                                "The provider may have removed it, or the account may not include it."),
                             {"host": host, "what": what})
        elif detail:
            super().__init__(N_("The server %(host)s answered with %(what)s (“%(detail)s”) instead of the stream. "
                                "The channel may be off-air, or the account may not include it."),
                             {"host": host, "what": what, "detail": detail})
        else:
            super().__init__(N_("The server %(host)s answered with %(what)s instead of the stream. "
                                "The channel may be off-air, or the account may not include it."), {"host": host, "what": what})


class NoLiveFormatWorked(PlaybackError):
    """Each live format the account allows was tried and none started; ``tried`` says why."""

    title = N_("This channel does not start")
    retryable = True

    def __init__(self, tried: list[tuple[str, XtplayError]]) -> None:
        self.tried = tried
        parts = "; ".join(f".{fmt}: {error}" for fmt, error in tried)
        super().__init__(N_("Tried %(formats)s and none started. %(reasons)s"),
                         {"formats": ", ".join("." + f for f, _ in tried), "reasons": parts})
