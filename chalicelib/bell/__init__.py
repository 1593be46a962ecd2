"""The dashboard bell: the notification feed, its unread count, and live delivery."""
