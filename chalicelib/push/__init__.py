"""Web push to the merchant's devices: subscriptions, VAPID keys and the sender."""
