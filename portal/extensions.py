from flask_babel import Babel
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

babel = Babel()
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
# Counters live in RATELIMIT_STORAGE_URI: Redis in production, shared by every app server.
limiter = Limiter(key_func=get_remote_address)
compress = Compress()
# The read cache of rendered pages: Redis in production, shared by every app server.
cache = Cache()
