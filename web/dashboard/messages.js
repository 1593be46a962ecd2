// The shell's own texts (menu, login, roles). Screens register theirs in their module.
export const SHELL_MESSAGES = {
  fr: {
    "nav.label": "Menu principal", "nav.orders": "Commandes", "nav.calls": "Confirmation d'appels",
    "nav.products": "Produits", "nav.analytics": "Statistiques", "nav.settings": "Réglages", "nav.logout": "Déconnexion",
    "login.title": "Connexion", "login.lead": "Gérez vos commandes, vos appels et vos livraisons.",
    "login.email": "E-mail", "login.password": "Mot de passe", "login.submit": "Se connecter",
    "error.login_failed": "E-mail ou mot de passe incorrect.",
    "role.owner": "Propriétaire", "role.admin": "Admin", "role.manager": "Gérant", "role.operator": "Opérateur",
    "role.readonly": "Lecture seule", "role.api_key": "Clé API",
    "notfound.title": "Page introuvable", "notfound.back": "Retour aux commandes",
  },
  ar: {
    "nav.label": "القائمة الرئيسية", "nav.orders": "الطلبات", "nav.calls": "تأكيد المكالمات",
    "nav.products": "المنتجات", "nav.analytics": "الإحصائيات", "nav.settings": "الإعدادات", "nav.logout": "تسجيل الخروج",
    "login.title": "تسجيل الدخول", "login.lead": "أدِر طلباتك ومكالماتك وشحناتك.",
    "login.email": "البريد الإلكتروني", "login.password": "كلمة المرور", "login.submit": "دخول",
    "error.login_failed": "البريد الإلكتروني أو كلمة المرور غير صحيحة.",
    "role.owner": "المالك", "role.admin": "مدير", "role.manager": "مسيّر", "role.operator": "موظف تأكيد",
    "role.readonly": "قراءة فقط", "role.api_key": "مفتاح API",
    "notfound.title": "الصفحة غير موجودة", "notfound.back": "العودة إلى الطلبات",
  },
  en: {
    "nav.label": "Main menu", "nav.orders": "Orders", "nav.calls": "Call confirmation",
    "nav.products": "Products", "nav.analytics": "Analytics", "nav.settings": "Settings", "nav.logout": "Log out",
    "login.title": "Log in", "login.lead": "Manage your orders, calls and deliveries.",
    "login.email": "Email", "login.password": "Password", "login.submit": "Log in",
    "error.login_failed": "Wrong email or password.",
    "role.owner": "Owner", "role.admin": "Admin", "role.manager": "Manager", "role.operator": "Operator",
    "role.readonly": "Read-only", "role.api_key": "API key",
    "notfound.title": "Page not found", "notfound.back": "Back to orders",
  },
};
