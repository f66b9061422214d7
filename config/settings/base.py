"""Settings shared by every environment; what differs comes from the environment (django-environ)."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "guardian",
    "crispy_forms",
    "crispy_forms_gds",
    "template_partials",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # Beacon
    "apps.core",
    "apps.accounts",
    "apps.directory",
    "apps.audit",
    "apps.children",
    "apps.sharing",
    "apps.teams",
    "apps.notifications",
    "apps.consent",
    "apps.referrals",
    "apps.appointments",
    "apps.passport",
    # The shared chronology (R12): read across referrals, appointments, the team and consent.
    "apps.chronology",
    "apps.portal",
    # The caseload read model: above teams, appointments and referrals, whose facts it gathers.
    "apps.caseload",
    # The synthetic demo data (manage.py load_demo_data): on top, using every app beneath it.
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before the middleware below: they stay cacheable and carry no CSP.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified once they have given their second factor this session.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads the query string or the form: a NUL byte there is a 400, never a 500.
    # After authentication, so that the page saying so is drawn like every other page.
    "apps.core.middleware.InputCharactersMiddleware",
    # After messages, so that it can say why someone was signed out.
    "apps.core.middleware.SessionSecurityMiddleware",
    # A professional signed in with a password only may use the sign-in pages and nothing else.
    "apps.accounts.middleware.TwoFactorRequiredMiddleware",
    # Deletes a long form's draft once the form has been sent (apps.accounts.drafts).
    "apps.accounts.middleware.DraftDiscardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.audit.context.AuditInterfaceMiddleware",
    # After authentication and the interface mark: audits a signed-in person's 404 and 403 answers and
    # answers 429 past BEACON_REFUSED_LIMIT (the API's token users are limited by RefusedAccessThrottle).
    "apps.audit.middleware.RefusedAccessMiddleware",
    "apps.core.middleware.NoStoreMiddleware",
    # Late, so its process_exception (called last to first) answers a view's RecordMerged: a merged record's
    # page redirects to the record that survived.
    "apps.core.middleware.MergedRecordRedirectMiddleware",
    # Last, so that a lockout found while authenticating replaces whatever the view answered.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.session_idle",
                "apps.accounts.context_processors.signed_in_fully",
            ],
        },
    },
]

# Embedded default: SQLite, so `make run` needs no database server. CI and production set DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # Services own their transactions.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query whose estimated cost passes a threshold, which costs hundreds of
    # milliseconds on short OLTP queries like ours and saves nothing (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run's web process, worker and scheduler share one SQLite file. A transaction takes the write lock
    # as it begins (IMMEDIATE), so two never fail upgrading read locks at once ("database is locked" at
    # once, whatever the timeout), and waits up to 20 s for it when the machine is busy.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "caseload:home"  # the role home; a lead professional goes on to the caseload
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# django-guardian: no anonymous user row; Beacon never grants anything to anonymous visitors.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "apps.accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.api.permissions.IsProfessional"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser with a depth limit and a control-character check (apps/core/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.JSONParser"],
    # Describes the endpoint without building serializers: the OpenAPI schema is the full description.
    "DEFAULT_METADATA_CLASS": "apps.core.api.metadata.Metadata",
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    # Documents every error an operation can answer with, in the one error shape (apps/core/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Token users past the refused-requests limit get 429 (apps/audit/middleware.py); views that name their
    # own throttle_classes (the token endpoint) replace this.
    "DEFAULT_THROTTLE_CLASSES": ["apps.audit.middleware.RefusedAccessThrottle"],
    # Sign-in attempts per client address (ScopedRateThrottle, scope "auth"): slows password guessing.
    "DEFAULT_THROTTLE_RATES": {"auth": "20/min"},
}
# Checks for an existing record (possible matches) per person, browser and API together, in DRF's
# "number/period" form (apps/children/throttling.py).
BEACON_POSSIBLE_MATCH_RATE = env("BEACON_POSSIBLE_MATCH_RATE", default="30/hour")
# The front door (apps.referrals.services.front_door): the organisation whose single point of access receives
# requests for help from young people and parents (blank: the one active NHS CAMHS organisation), and how
# many requests one address may send through the public form (it needs no account).
BEACON_FRONT_DOOR_ORGANISATION = env("BEACON_FRONT_DOOR_ORGANISATION", default="")
BEACON_FRONT_DOOR_RATE = env("BEACON_FRONT_DOOR_RATE", default="5/hour")
DRF_STANDARDIZED_ERRORS = {
    # One shape for every 4xx; a 5xx stays Django's own error page/log so nothing sensitive leaks.
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": False,
    # The statuses the schema documents. No endpoint answers 409 (duplicates are 400s naming the field),
    # and listing it without an ERROR_SCHEMAS entry makes schema generation warn.
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "406", "415", "429"],
}
REST_KNOX = {
    # A token unused this long stops working; each use extends it (AUTO_REFRESH) ...
    "TOKEN_TTL": timedelta(hours=env.int("BEACON_API_TOKEN_TTL_HOURS", default=10)),
    "AUTO_REFRESH": True,
    # ... but never past this long after it was issued: then the client signs in again with a code.
    "AUTO_REFRESH_MAX_TTL": timedelta(hours=env.int("BEACON_API_TOKEN_MAX_AGE_HOURS", default=12)),
    "USER_SERIALIZER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Beacon API",
    "DESCRIPTION": (
        "Case coordination for children and young people. Every child-scoped endpoint answers only for "
        "children shared with the caller; anything else is a 404, whether or not it exists."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: Swagger UI would otherwise load an image from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "SocialWorkStatusEnum": "apps.children.models.SocialWorkInvolvement.Status",
        # Three choice sets share the field name "kind"; the identifier kinds keep their published name.
        "KindEnum": "apps.children.models.ChildIdentifier.Kind",
        "TeamMemberKindEnum": "apps.teams.models.TeamMembership.Kind",
        "MeetingKindEnum": "apps.teams.models.Meeting.Kind",
        # What a piece of free text describes: its home category, or a sensitive one (several fields each).
        "TeamTextCategoryEnum": "apps.teams.free_text.TEAM_TEXT_CATEGORIES",
        "PlansTextCategoryEnum": "apps.teams.free_text.PLANS_TEXT_CATEGORIES",
        # The consent API: categories appear under several field names; two choice sets are "outcome".
        "InformationCategoryEnum": "apps.children.categories.Category",
        "CompetenceOutcomeEnum": "apps.consent.models.CompetenceAssessment.Outcome",
        "OverrideReviewOutcomeEnum": "apps.consent.models.SafeguardingOverride.ReviewOutcome",
        # Referrals: where a referral comes from is "route", as is the lead professional's appointment route.
        "ReferralRouteEnum": "apps.referrals.models.Route",
        "RouteEnum": "apps.teams.models.LeadProfessionalAppointment.Route",
        "ConcernLevelEnum": "apps.referrals.models.ConcernLevel",
        # The passport's sections appear under "section", "sections" and in previews.
        "PassportSectionEnum": "apps.passport.models.Section",
        # Who told us a young person's protected characteristics: for the core answers and apart for
        # sexual orientation and gender identity.
        "DeclaredByEnum": "apps.children.models.DeclaredBy",
        # One record per child and identity you can trust (R2): the NHS number's verification under
        # "nhs_number_status" and "status", and an access request's status.
        "NhsNumberStatusEnum": "apps.children.models.NhsNumberStatus",
        "AccessRequestStatusEnum": "apps.teams.models.AccessRequest.Status",
        # How a missed-appointment follow-up tried to reach the family, beside a waiting contact's "method".
        "FollowUpAttemptMethodEnum": "apps.appointments.models.FollowUpAttempt.Method",
        "MethodEnum": "apps.referrals.models.WaitingContact.Method",  # its published name, kept
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
    ],
}

# --- Celery -----------------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport, so `make run` needs no Redis. Set REDIS_URL to use Redis.
REDIS_URL = env("REDIS_URL", default="")
# Where make run keeps its local state (the filesystem broker's queue, the scheduler's file).
VAR_DIR = Path(env("BEACON_VAR_DIR", default=str(BASE_DIR / "var")))
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    # A task taken by a worker that then died is given to another after this many seconds. It must exceed
    # the longest task time limit and retry countdown (600 s); the reminder engine does not depend on it
    # (its retry sweep reclaims deliveries from the database), and a redelivered task sends nothing twice.
    # Only a worker killed outright (SIGKILL, out of memory, host lost) waits for it: a pool child that dies
    # is requeued at once (CELERY_TASK_REJECT_ON_WORKER_LOST) and a stopping worker gives back what it holds.
    # Kombu then hands the task on at a live worker's next look, about every 100 s, so after 60-62 minutes;
    # a delivery it held is reclaimed sooner, by the first retry sweep after its claim is 300 s old (<10 min).
    {"visibility_timeout": env.int("BEACON_CELERY_VISIBILITY_TIMEOUT", default=3600)}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker"),
        "store_processed": False,
    }
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
# Enqueueing after commit must not hang a web request while Redis is down: two quick retries, then the
# error reaches apps.notifications.services.deliveries_enqueue, which logs it and leaves the delivery
# pending for the retry sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Beacon <no-reply@beacon.invalid>")

# --- Security defaults that hold everywhere ---------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Lax rather than Strict: a link in a notification email must open the page signed in. Lax still keeps
# the cookie off cross-site POSTs, frames and fetches.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms carry the token in the page and htmx sends it from hx-headers.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Nothing about a page (URLs hold public ids only, but still) goes to another site; within Beacon the
# Referer stays, which Django's CSRF check relies on over HTTPS when a browser sends no Origin header.
SECURE_REFERRER_POLICY = "same-origin"
# Django's default, stated: no other site's window keeps a handle on a Beacon page.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_AGE = env.int("BEACON_SESSION_COOKIE_AGE", default=8 * 60 * 60)
# Sign a browser session out after this long without a request (apps.core.middleware); pages warn two
# minutes before. The session is saved on every request to move the clock on.
BEACON_SESSION_IDLE_MINUTES = env.int("BEACON_SESSION_IDLE_MINUTES", default=30)
# ... and this long after signing in, however active (OWASP ASVS 3.3.1 at level 2: 12 hours).
BEACON_SESSION_MAX_AGE_HOURS = env.int("BEACON_SESSION_MAX_AGE_HOURS", default=12)
# While someone types into a form with unsaved changes, the page tells the server this often, so the
# session does not end under them; long forms send what has been typed with it, as a draft.
BEACON_KEEP_ALIVE_SECONDS = env.int("BEACON_KEEP_ALIVE_SECONDS", default=60)
# A long form's unsent draft (apps.accounts.drafts) is restored to its author for this long after it was last
# saved, then deleted: long enough for a Friday afternoon's timeout to be found on Monday morning.
BEACON_FORM_DRAFT_HOURS = env.int("BEACON_FORM_DRAFT_HOURS", default=72)
# The demo (config/settings/local.py): load_demo_data may load the personas, whose password is published.
BEACON_DEMO_SITE = False

# Two factors (django-otp): the name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = "Beacon"
# How many single-use backup codes a person gets at a time.
BEACON_BACKUP_CODES = 10

# Brute-force protection (django-axes). Failures are counted per username AND address together, so
# guessing a clinician's password from one place never locks her out at her own desk. Wrong one-time
# codes count too (apps.accounts.services). A lockout ends by itself after the cool-off, or at once
# when an administrator clears it (``manage.py axes_reset_username``).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("BEACON_SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("BEACON_SIGN_IN_LOCKOUT_MINUTES", default=15))
# Not reset on a correct password: that is only the first step, and resetting there would let someone
# who knows the password guess codes for ever. Failures simply age out after the cool-off.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.locked_out"
# Behind a proxy, name the header it sets (e.g. HTTP_X_FORWARDED_FOR) so the address is the caller's.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("BEACON_CLIENT_IP_HEADERS", default=["REMOTE_ADDR"])
# The log line axes writes names the username and address; ours says the same without the username.
AXES_VERBOSE = False

# Content Security Policy (django-csp): our own origin only, no inline script or style, no plugins, no
# framing. The two API documentation pages relax style-src for themselves only (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Beacon -----------------------------------------------------------------------------------
BEACON_CHILDREN_PAGE_SIZE = 25
# Rows on one page of a work list: the triage queue, the waiting list, senior reviews, consultations and
# missed-appointment follow-ups (issue 14: a queue of 5,800 referrals was one 3.7 MB page).
BEACON_WORK_LIST_PAGE_SIZE = env.int("BEACON_WORK_LIST_PAGE_SIZE", default=25)
# Remind an action's owner this many days before it is due; overdue actions go to the lead professional.
BEACON_ACTION_REMINDER_DAYS = env.int("BEACON_ACTION_REMINDER_DAYS", default=2)
# Alert the team manager when a child has had this many lead professionals, or social workers, in 12 months.
BEACON_CONTINUITY_ALERT_THRESHOLD = env.int("BEACON_CONTINUITY_ALERT_THRESHOLD", default=3)
# How long a safeguarding override lasts before it must be opened again.
BEACON_OVERRIDE_HOURS = env.int("BEACON_OVERRIDE_HOURS", default=72)
# Waiting well (R64, R65): days from acceptance to the first trust-building contact, sooner for children
# with social-work involvement, in the most deprived areas or in an unstable situation; then a contact
# every interval days. Zero is refused by a settings check (apps/referrals/checks.py).
BEACON_WAITING_FIRST_CONTACT_DAYS = env.int("BEACON_WAITING_FIRST_CONTACT_DAYS", default=14)
BEACON_WAITING_PRIORITY_FIRST_CONTACT_DAYS = env.int("BEACON_WAITING_PRIORITY_FIRST_CONTACT_DAYS", default=5)
BEACON_WAITING_CONTACT_INTERVAL_DAYS = env.int("BEACON_WAITING_CONTACT_INTERVAL_DAYS", default=14)
# A waiting-list contact that was tried and reached nobody is due again this many working days later.
BEACON_WAITING_RETRY_WORKING_DAYS = env.int("BEACON_WAITING_RETRY_WORKING_DAYS", default=1)
# Wait targets (R38, R66): hours from a referral being received to the first appointment, by urgency
# (routine four weeks and urgent one week, the eating-disorders standard in seed 004; crisis the same day).
BEACON_WAIT_TARGET_HOURS = {
    "routine": env.int("BEACON_WAIT_TARGET_ROUTINE_HOURS", default=28 * 24),
    "urgent": env.int("BEACON_WAIT_TARGET_URGENT_HOURS", default=7 * 24),
    "emergency": env.int("BEACON_WAIT_TARGET_EMERGENCY_HOURS", default=24),
    "crisis": env.int("BEACON_WAIT_TARGET_CRISIS_HOURS", default=4),
}
# Warn the service once this share of a wait target has passed without a first appointment.
BEACON_WAIT_ALERT_FRACTION = env.float("BEACON_WAIT_ALERT_FRACTION", default=0.8)
# A missed appointment's follow-up is due this many working days later (R57: "for example one working
# day"); bank holidays in England and Wales do not count. Zero or less is refused at start-up.
BEACON_MISSED_APPOINTMENT_FOLLOW_UP_WORKING_DAYS = env.int(
    "BEACON_MISSED_APPOINTMENT_FOLLOW_UP_WORKING_DAYS", default=1
)
# Tell the safeguarding lead after this many missed appointments in a row (R59: "for example 2") ...
BEACON_MISSED_APPOINTMENT_ESCALATE_AFTER = env.int("BEACON_MISSED_APPOINTMENT_ESCALATE_AFTER", default=2)
# ... or after the first for a child with one of these social-work statuses.
BEACON_MISSED_APPOINTMENT_ESCALATE_AT_ONCE_FOR = env.list(
    "BEACON_MISSED_APPOINTMENT_ESCALATE_AT_ONCE_FOR", default=["child_protection", "looked_after"]
)
# Below this age (in whole years on the appointment's day) a child depends on an adult to bring them: the
# outcome offers "was not brought" first, and "did not attend" needs the reason it was their own choice.
BEACON_WAS_NOT_BROUGHT_UNDER_AGE = env.int("BEACON_WAS_NOT_BROUGHT_UNDER_AGE", default=12)
# A missed-appointment follow-up that tried and could not reach anyone is due again this many working days
# later, and reaches the safeguarding lead after this many unsuccessful tries. Zero or less is refused.
BEACON_FOLLOW_UP_RETRY_WORKING_DAYS = env.int("BEACON_FOLLOW_UP_RETRY_WORKING_DAYS", default=1)
BEACON_FOLLOW_UP_ESCALATE_AFTER_ATTEMPTS = env.int("BEACON_FOLLOW_UP_ESCALATE_AFTER_ATTEMPTS", default=3)
# The reminder engine (apps/notifications). A delivery claimed longer ago than this is taken to belong to
# a worker that died, and is sent again; it must exceed the delivery task's hard time limit (60 s).
BEACON_DELIVERY_CLAIM_TIMEOUT_SECONDS = env.int("BEACON_DELIVERY_CLAIM_TIMEOUT_SECONDS", default=300)
# A delivery still waiting this long (its enqueue failed, or a retry is due) is enqueued again.
BEACON_DELIVERY_RETRY_AFTER_SECONDS = env.int("BEACON_DELIVERY_RETRY_AFTER_SECONDS", default=120)
# Attempts at an email or text message before it is marked failed.
BEACON_DELIVERY_MAX_ATTEMPTS = env.int("BEACON_DELIVERY_MAX_ATTEMPTS", default=6)
# Text messages through GOV.UK Notify: both set switches them on. The template's content is ((message)).
BEACON_NOTIFY_API_KEY = env("BEACON_NOTIFY_API_KEY", default="")
BEACON_NOTIFY_SMS_TEMPLATE_ID = env("BEACON_NOTIFY_SMS_TEMPLATE_ID", default="")
# How long a young person's invite link (to make their own Beacon account) works before it runs out.
BEACON_INVITE_DAYS = env.int("BEACON_INVITE_DAYS", default=7)
# Where links in emails point.
BEACON_SITE_URL = env("BEACON_SITE_URL", default="http://127.0.0.1:8000")
# Numbers anyone can use when a young person needs help now (R52, R149), shown wherever
# templates/includes/crisis_help.html is included (the front door, "what to expect" pages, decision letters).
# One place, so a number that changes is changed once. Each: the words before the number, the number as
# written, the link (tel: or sms:) and a sentence after it. UK defaults; a deployment may replace them.
BEACON_CRISIS_CONTACTS = [
    {"lead": "If someone is in danger right now, call", "number": "999", "href": "tel:999", "note": ""},
    {
        "lead": "NHS 111 for urgent mental health help: call",
        "number": "111",
        "href": "tel:111",
        "note": "Choose option 2. Free, any time.",
    },
    {
        "lead": "Childline (for young people): call",
        "number": "0800 1111",
        "href": "tel:08001111",
        "note": "Free, any time.",
    },
    {"lead": "Shout: text SHOUT to", "number": "85258", "href": "sms:85258", "note": "Free, any time."},
    {"lead": "Samaritans: call", "number": "116 123", "href": "tel:116123", "note": "Free, any time."},
]

# --- The audit log (apps/audit) -----------------------------------------------------------------
# The HMAC key of the audit log's hash chain. It lives only in the environment, never in the database, so
# the database role cannot rehash an altered chain. No default here: local.py and test.py set a fixed,
# non-secret one; production must set its own (apps/audit/checks.py refuses a short or known key).
BEACON_AUDIT_KEY = env("BEACON_AUDIT_KEY")
# Where the chain's head (newest sequence number and hash) is appended, one JSON line per export, for
# ``verify_audit_chain --head-file`` to find rows cut from the end. Also written to the JSON log. In
# production, a directory the database role cannot write (better: one shipped off the machine).
BEACON_AUDIT_HEAD_DIR = Path(env("BEACON_AUDIT_HEAD_DIR", default=str(VAR_DIR / "audit")))
# Refused reads (404 and 403) per signed-in person: past this many within the window (seconds) they are
# answered 429 until the window ends (apps/audit/middleware.py).
BEACON_REFUSED_LIMIT = env.int("BEACON_REFUSED_LIMIT", default=30)
BEACON_REFUSED_WINDOW = env.int("BEACON_REFUSED_WINDOW", default=5 * 60)

# One JSON object a line on stdout, with NHS numbers, dates and query strings taken out of every record
# (apps/core/logging.py). Django's own loggers, and the development server's request lines, are routed
# through the same handler rather than Django's plain-text defaults.
LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "apps.core.logging.RedactPersonalDataFilter"}},
    "formatters": {"json": {"()": "apps.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["personal_data"],
        }
    },
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
# The Celery worker keeps this logging set-up rather than replacing the root logger's handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

DRF_STANDARDIZED_ERRORS["EXCEPTION_HANDLER_CLASS"] = "apps.core.api.errors.BeaconExceptionHandler"
