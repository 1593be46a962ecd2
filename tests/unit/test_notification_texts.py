"""What the owner's email, the bell/push summary and the customer's SMS say."""
import pytest

from chalicelib.accounts.model import default_notifications
from chalicelib.notifications.email import event_email
from chalicelib.notifications.messages import money, summarize
from chalicelib.notifications.sms import customer_sms, sms_language

ORDER = {"id": "or_7", "number": 1042, "status": "pending", "previous_status": None,
         "customer": {"name": "Amina <Benali>", "phone": "+213551234567"},
         "shipping": {"wilaya": 16, "wilaya_name": "Alger", "wilaya_name_ar": "الجزائر"},
         "totals": {"items": 4000, "delivery": 500, "total": 4500}}


def message(event_type="order.created", **data):
    return {"id": "ev_1", "type": event_type, "store_id": "st_1", "data": {**ORDER, **data}}


@pytest.mark.parametrize("language, title, total", [
    ("fr", "Nouvelle commande n° 1042", "4\u202f500 DA"),
    ("ar", "طلب جديد رقم 1042", "4\u202f500 د.ج"),
    ("en", "New order #1042", "DZD 4,500"),
])
def test_new_order_summary_in_each_language(language, title, total):
    summary = summarize(message(), language, "http://127.0.0.1:8000/dashboard/")
    assert summary.title == title
    assert total in summary.body and "Amina <Benali>" in summary.body
    assert summary.url == "http://127.0.0.1:8000/dashboard/orders/or_7"
    assert summary.order_id == "or_7"


def test_arabic_summary_names_the_wilaya_in_arabic():
    assert "16 الجزائر" in summarize(message(), "ar", "http://x/dashboard/").body
    assert "16 Alger" in summarize(message(), "fr", "http://x/dashboard/").body


def test_status_events_say_the_new_status():
    assert summarize(message("order.confirmed", status="confirmed"), "fr", "http://x/").title \
        == "Commande n° 1042 confirmée"
    assert summarize(message("order.shipped", status="shipped"), "en", "http://x/").title \
        == "Order #1042 shipped"


def test_an_unknown_event_still_has_a_summary():
    summary = summarize({"type": "something.new", "data": {}}, "xx", "http://x/")
    assert summary.title == "Événement something.new"


def test_money_is_whole_dinars():
    assert money(1250000, "fr") == "1\u202f250\u202f000 DA"
    assert money(None, "fr") == ""


def test_owner_email_has_the_order_facts_as_text_and_html():
    email = event_email(message(), "owner@example.dz", "Boutique Lina", "fr", "http://x/dashboard/")
    assert email.to == "owner@example.dz"
    assert email.subject == "Nouvelle commande n° 1042 — Boutique Lina"
    for fact in ("#1042", "Amina <Benali>", "16 Alger", "4\u202f500 DA", "http://x/dashboard/orders/or_7"):
        assert fact in email.text
    assert 'dir="ltr"' in email.html and 'lang="fr"' in email.html
    # The customer's name is text, never markup.
    assert "Amina &lt;Benali&gt;" in email.html and "<Benali>" not in email.html
    assert 'href="http://x/dashboard/orders/or_7"' in email.html


def test_arabic_email_is_right_to_left():
    email = event_email(message(), "owner@example.dz", "متجر لينا", "ar", "http://x/dashboard/")
    assert email.subject.startswith("طلب جديد رقم 1042")
    assert 'dir="rtl"' in email.html and 'lang="ar"' in email.html
    assert "text-align:right" in email.html
    assert "الجزائر" in email.text


def test_webhook_disabled_email_names_the_endpoint():
    email = event_email({"id": "ev_2", "type": "webhook.disabled", "store_id": "st_1",
                         "data": {"id": "wh_1", "url": "https://hooks.example.dz/in",
                                  "consecutive_dead": 5}},
                        "owner@example.dz", "Boutique", "en", "http://x/dashboard/")
    assert email.subject.startswith("Webhook disabled")
    assert "https://hooks.example.dz/in" in email.text and "5 times" in email.text


def test_customer_sms_on_confirmation_in_french_and_arabic():
    fr = customer_sms(message("order.confirmed"), "Boutique Lina", "fr")
    assert fr.phone == "+213551234567"
    assert fr.text == ("Boutique Lina : votre commande n° 1042 est confirmée. "
                       "4\u202f500 DA à payer à la livraison. Merci !")
    ar = customer_sms(message("order.confirmed"), "متجر", "ar")
    assert "تم تأكيد طلبك رقم 1042" in ar.text and "د.ج" in ar.text


def test_customer_sms_on_shipment_names_courier_and_tracking():
    sms = customer_sms(message("shipment.created", shipment={
        "courier": "yalidine", "courier_name": "Yalidine", "tracking_number": "yal-12AB34"}),
        "Boutique", "fr")
    assert "Yalidine" in sms.text and "yal-12AB34" in sms.text


def test_no_sms_for_other_events_or_without_phone():
    assert customer_sms(message("order.delivered"), "B", "fr") is None
    assert customer_sms(message("order.confirmed", customer={"name": "X"}), "B", "fr") is None


def test_sms_language_falls_back_to_french():
    assert sms_language(["en", "ar"]) == "ar"
    assert sms_language(["en"]) == "fr"


def test_default_channels():
    defaults = default_notifications()
    assert defaults["email"] == ["order.created"] and defaults["sound"] == ["order.created"]
    assert "order.created" in defaults["bell"] and defaults["sms"] == ["shipment.created"]
