"""The one place that reads the environment: every setting has a safe default for local use."""

from __future__ import annotations

import os
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("KAKEHASHI_INSTANCE_DIR", ROOT_DIR / "instance"))
DEV_SECRET = "dev-only-not-secret"
MIN_SECRET_BYTES = 32


def _usable_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Config:
    """Defaults for development and `make run`."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'kakehashi.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    ARGOS_PACKAGES_DIR = os.environ.get("ARGOS_PACKAGES_DIR", str(INSTANCE_DIR / "argos-packages"))
    MT_DEVICE = os.environ.get("MT_DEVICE", "cpu")
    MT_BEAM_SIZE = int(os.environ.get("MT_BEAM_SIZE", "2"))
    # CTranslate2 weights: int8 on a CPU (faster than float32, a quarter of its memory);
    # on a GPU "auto" lets CTranslate2 pick what the card does fastest.
    MT_COMPUTE_TYPE = os.environ.get("MT_COMPUTE_TYPE", "int8" if MT_DEVICE == "cpu" else "auto")
    # Threads one translation uses: by default every core this process may run on.
    MT_THREADS = int(os.environ.get("MT_THREADS", "0")) or _usable_cores()
    # CTranslate2 cuts one call into batches of about this many source tokens (batch_type tokens).
    MT_BATCH_TOKENS = int(os.environ.get("MT_BATCH_TOKENS", "2048"))
    # `flask mt install` refuses an archive that would unpack to more than this many MB, or to more
    # than this many times its size (whole or one member), before it writes a byte: real Argos
    # packages unpack to 100-400 MB at ratios of 1-3, zip bombs to far more at ratios near 1000.
    MT_PACKAGE_MAX_MB = int(os.environ.get("MT_PACKAGE_MAX_MB", "1024"))
    MT_PACKAGE_MAX_RATIO = float(os.environ.get("MT_PACKAGE_MAX_RATIO", "100"))
    # Where `flask mt fetch` finds packages: an index in Argos's format (the running app never
    # reads it). An office without network access can serve a copy of its own.
    ARGOS_INDEX_URL = os.environ.get(
        "ARGOS_INDEX_URL",
        "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json",
    )
    # A worker claims up to this many waiting translations (machine-translation jobs) at once and
    # sends all their pending segments through one engine call; 1 takes them one by one.
    MT_CLAIM_TRANSLATIONS = int(os.environ.get("MT_CLAIM_TRANSLATIONS", "8"))
    # The web offers machine drafts for a pair when a live worker taking machine_translate has
    # it. With none, it looks at its own ARGOS_PACKAGES_DIR: "auto" only when single-host (no
    # live worker on another host), "always", or "never" (see webapp/mt/availability.py).
    MT_FOLDER_FALLBACK = os.environ.get("MT_FOLDER_FALLBACK", "auto")
    # The languages the app publishes and translates between, in the order lists offer them
    # (comma-separated codes of webapp/languages/; checked when the app starts). Empty: the
    # languages that ship first, English and Japanese. BABEL_DEFAULT_LOCALE follows from it.
    LOCALES = os.environ.get("LOCALES", "")
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT_DIR / "translations")
    JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "3"))
    # A worker's heartbeat renews its job's lease every JOB_HEARTBEAT_SECONDS (at most a third of
    # the lease); a dead worker's job is taken over once the lease lapses. A job running longer
    # than JOB_MAX_RUN_SECONDS is no longer renewed (a hung worker cannot hold it forever).
    # 25 s: with one poll (1 s) on top, a dead worker's job moves on within the 30 s target.
    JOB_LEASE_SECONDS = float(os.environ.get("JOB_LEASE_SECONDS", "25"))
    JOB_HEARTBEAT_SECONDS = float(os.environ.get("JOB_HEARTBEAT_SECONDS", "0")) or None
    JOB_MAX_RUN_SECONDS = float(os.environ.get("JOB_MAX_RUN_SECONDS", "3600"))
    JOB_BACKOFF_SECONDS = float(os.environ.get("JOB_BACKOFF_SECONDS", "10"))
    WORKER_POLL_SECONDS = float(os.environ.get("WORKER_POLL_SECONDS", "1"))
    # PostgreSQL: workers wake on LISTEN/NOTIFY as soon as a job is committed (polling stays).
    WORKER_LISTEN = os.environ.get("WORKER_LISTEN", "1") == "1"
    # On SIGTERM a worker lets its job finish this long, then releases it to another worker.
    WORKER_STOP_GRACE_SECONDS = float(os.environ.get("WORKER_STOP_GRACE_SECONDS", "20"))
    # While the database is away a worker retries with jittered backoff, waiting at most this long
    # between tries; it never exits for an outage.
    WORKER_RECONNECT_MAX_SECONDS = float(os.environ.get("WORKER_RECONNECT_MAX_SECONDS", "30"))
    # While the database is away the web answers 503 with Retry-After: this many seconds.
    RETRY_AFTER_SECONDS = int(os.environ.get("RETRY_AFTER_SECONDS", "5"))
    # SQLite: how long a write waits for another process's write lock before giving up (then
    # the web answers 503 and the worker backs off).
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "10000"))
    # /metrics answers these networks without a token (comma-separated CIDRs; none by default).
    METRICS_ALLOW_FROM = os.environ.get("METRICS_ALLOW_FROM", "")
    # Shared folder for prometheus-client's multiprocess mode (gunicorn workers, `flask worker`).
    PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    # "json": one JSON object per log line, with the request id; "text" (default): plain lines.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    # Translation memory: "context" (a match with the same neighbours arrives approved; a plain
    # exact match arrives as a draft to confirm), "exact" (every exact match approved) or "never".
    MEMORY_AUTO_APPROVE = os.environ.get("MEMORY_AUTO_APPROVE", "context")
    # The review page looks up close memory matches for this many open segments as it opens;
    # the others' when the translator reaches them (tens of ms each in a large memory).
    REVIEW_MATCHES_ON_LOAD = int(os.environ.get("REVIEW_MATCHES_ON_LOAD", "10"))
    # Four eyes: the person who last wrote a segment's text may not approve it.
    REQUIRE_SECOND_APPROVER = os.environ.get("REQUIRE_SECOND_APPROVER", "0") == "1"
    # Four eyes on publishing: the summary's current revision goes out (now or at a scheduled
    # time) only once a publisher who did not write it has signed it off.
    REQUIRE_PUBLISH_SIGNOFF = os.environ.get("REQUIRE_PUBLISH_SIGNOFF", "0") == "1"
    # Signed-in sessions end after this long without a request, and this long after sign-in.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    # Failed sign-ins (counted in the database, shared by every process): after this many within
    # the window, per account and per address, each further try waits twice as long as the one
    # before (1 s, 2 s, 4 s ...) up to the cap; never a lockout of the account's owner.
    LOGIN_FREE_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FREE_FAILURES_PER_ACCOUNT", "10"))
    LOGIN_FREE_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FREE_FAILURES_PER_ADDRESS", "30"))
    LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
    LOGIN_DELAY_CAP_SECONDS = int(os.environ.get("LOGIN_DELAY_CAP_SECONDS", "60"))
    # Behind a reverse proxy, how many X-Forwarded-* hops to trust (0: none, the default).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    # Strict-Transport-Security on HTTPS answers (production turns it on).
    HSTS = os.environ.get("HSTS", "0") == "1"
    # Where readers reach the site: absolute links (feeds, sitemap, canonical, hreflang) are
    # built from this, never from the request's Host header.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    # Webhooks (webhooks/): each delivery waits at most this long for the receiver's answer; a
    # failed one is tried again after WEBHOOK_BACKOFF_SECONDS, doubling each time, up to
    # WEBHOOK_MAX_ATTEMPTS tries in all (8 from 30 s: the last about an hour after the first).
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
    WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
    WEBHOOK_BACKOFF_SECONDS = float(os.environ.get("WEBHOOK_BACKOFF_SECONDS", "30"))
    # The host names the site answers to (comma-separated; ".example.org" takes its subdomains
    # too; "*" any name, for a proxy that checks them itself). Any other Host header gets 400.
    # Empty: BASE_URL's host, 127.0.0.1 and localhost (core/security.py derives the list).
    TRUSTED_HOSTS = os.environ.get("TRUSTED_HOSTS", "")
    # Notification mail (webapp/notifications/mail.py): smtp://user:pass@host:port (add
    # ?starttls=1 for STARTTLS), smtps://... (implicit TLS), "console" (printed by the worker)
    # or "off". Unset: "console", except under TESTING, where it is "off".
    MAIL_URL = os.environ.get("MAIL_URL")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Kakehashi <kakehashi@localhost>")
    # A burst of notifications for one person within this many seconds makes one mail.
    NOTIFY_GATHER_SECONDS = float(os.environ.get("NOTIFY_GATHER_SECONDS", "60"))
    # "Due soon" is sent this many hours before a translation's "needed by" time.
    DUE_SOON_HOURS = float(os.environ.get("DUE_SOON_HOURS", "2"))
    # Werkzeug refuses larger bodies (413) before anything reads them.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024)))
    # Photos: stored outside the static folder; an upload may be this large (the photo routes
    # alone accept bodies this size) and hold at most this many pixels.
    PHOTOS_DIR = os.environ.get("PHOTOS_DIR", str(INSTANCE_DIR / "photos"))
    PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", str(15 * 1024 * 1024)))
    PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS", str(40_000_000)))
    # Reader pages from published snapshots are cached for anonymous readers (reader.cache):
    # in each process by default, shared by every process and machine when CACHE_REDIS_URL is
    # set. READER_CACHE=0 turns it off. Entries outlive no change (the key carries the site's
    # publication generation); the timeout and threshold only bound memory.
    READER_CACHE = os.environ.get("READER_CACHE", "1") == "1"
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "kakehashi:")
    CACHE_DEFAULT_TIMEOUT = int(os.environ.get("CACHE_DEFAULT_TIMEOUT", "600"))
    CACHE_THRESHOLD = int(os.environ.get("CACHE_THRESHOLD", "1000"))
    # Anonymous readers' search answers, kept by generation in each process's own store (never
    # the shared cache, so queries cannot push pages out): at most this many per process.
    READER_SEARCH_ENTRIES = int(os.environ.get("READER_SEARCH_ENTRIES", "256"))
    # Anonymous readers' pages carry `Cache-Control: public, max-age=60, s-maxage=...`: how long
    # a shared cache (a CDN, a proxy) may keep one. Short by default: nothing purges a shared
    # cache yet, and a withdrawal must reach readers quickly.
    READER_SHARED_MAX_AGE = int(os.environ.get("READER_SHARED_MAX_AGE", "60"))
    # Text answers of at least this many bytes are sent brotli- or gzip-compressed to clients
    # that accept it (core/compression.py); COMPRESS=0 leaves it to a front proxy.
    COMPRESS = os.environ.get("COMPRESS", "1") == "1"
    COMPRESS_MIN_BYTES = int(os.environ.get("COMPRESS_MIN_BYTES", "512"))
    # Reader pages published as files for nginx (webapp/staticsite, deploy/nginx.conf): a job
    # writes the pages each change touches into this folder. Empty: no static site.
    STATIC_SITE_DIR = os.environ.get("STATIC_SITE_DIR", "")


class ProductionConfig(Config):
    """Refuses to run with the development secret or a short one; cookies only over HTTPS."""

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    HSTS = os.environ.get("HSTS", "1") == "1"


def load_config(name: str | None = None) -> type[Config]:
    """Pick the configuration class named by KAKEHASHI_ENV (development by default)."""
    name = name or os.environ.get("KAKEHASHI_ENV", "development")
    return ProductionConfig if name == "production" else Config
