"""dzorders: the Chalice app. Registers blueprints and workers, nothing else."""
from chalice import Chalice

from chalicelib.api import http
from chalicelib.api.accounts import bp as accounts_api
from chalicelib.api.auth import bp as auth_api
from chalicelib.api.catalog import bp as catalog_api
from chalicelib.api.geo import bp as geo_api
from chalicelib.api.orders import bp as orders_api
from chalicelib.api.shipping import bp as shipping_api
from chalicelib.api.system import bp as system_api
from chalicelib.workers.events import bp as event_workers
from chalicelib.workers.ops import bp as ops_workers
from chalicelib.workers.notifications import bp as notification_workers
from chalicelib.api.push import bp as push_api
from chalicelib.workers.push import bp as push_workers
from chalicelib.api.webhooks import bp as webhooks_api
from chalicelib.workers.webhooks import bp as webhook_workers
from chalicelib.api import realtime
from chalicelib.api.notifications import bp as notifications_api
from chalicelib.workers.bell import bp as bell_workers
from chalicelib.api.couriers import bp as couriers_api
from chalicelib.workers.couriers import bp as courier_workers
from chalicelib.api.calls import bp as calls_api
from chalicelib.workers.calls import bp as call_workers
from chalicelib.api.members import bp as members_api
from chalicelib.api.analytics import bp as analytics_api
from chalicelib.workers.analytics import bp as analytics_workers
from chalicelib.api.blacklist import bp as blacklist_api
# (new blueprints: import above this line)

app = Chalice(app_name="dzorders")
app.experimental_feature_flags.update(["WEBSOCKETS"])
app.api.cors = True
app.api.binary_types.append("application/pdf")   # courier labels
app.debug = False   # never a traceback in a response
http.install(app)

app.register_blueprint(auth_api)
app.register_blueprint(system_api)
app.register_blueprint(accounts_api)
app.register_blueprint(catalog_api)
app.register_blueprint(geo_api)
app.register_blueprint(shipping_api)
app.register_blueprint(orders_api)
app.register_blueprint(event_workers)
app.register_blueprint(ops_workers)
app.register_blueprint(notification_workers)
app.register_blueprint(push_api)
app.register_blueprint(push_workers)
app.register_blueprint(webhooks_api)
app.register_blueprint(webhook_workers)
app.register_blueprint(notifications_api)
app.register_blueprint(bell_workers)
app.register_blueprint(couriers_api)
app.register_blueprint(calls_api)
app.register_blueprint(members_api)
app.register_blueprint(call_workers)
app.register_blueprint(courier_workers)
app.register_blueprint(analytics_api)
app.register_blueprint(analytics_workers)
app.register_blueprint(blacklist_api)
realtime.install(app)   # websocket handlers: on the app, see chalicelib/api/realtime.py
# (new blueprints: register above this line)
