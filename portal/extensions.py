from flask_babel import Babel
from flask_migrate import Migrate

babel = Babel()
migrate = Migrate()
