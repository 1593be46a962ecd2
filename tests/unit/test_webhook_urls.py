"""Webhook URLs: https to public addresses only (loopback where the deployment allows it)."""
import pytest

from chalicelib.webhooks.ports import UnresolvableHost
from chalicelib.webhooks.validation import UrlRefused, check_url

NAMES = {"hooks.example.dz": ["203.0.113.10"], "public.example.com": ["93.184.216.34"],
         "intranet.example.dz": ["10.1.2.3"], "mixed.example.dz": ["93.184.216.34", "192.168.1.5"],
         "v6.example.dz": ["2001:4860:4860::8888"], "v6-local.example.dz": ["fd00::1"],
         "rebind.example.dz": ["127.0.0.1"], "localhost": ["127.0.0.1", "::1"]}


def resolver(host, port):
    if host not in NAMES:
        raise UnresolvableHost(host)
    return NAMES[host]


def refused(url, allow_loopback=False):
    with pytest.raises(UrlRefused) as caught:
        check_url(url, resolver, allow_loopback)
    return str(caught.value)


@pytest.mark.parametrize("url", ["https://public.example.com/hooks",
                                 "https://public.example.com:8443/in?x=1",
                                 "https://v6.example.dz/h", "https://8.8.8.8/h"])
def test_https_to_public_addresses_is_accepted(url):
    check_url(url, resolver, allow_loopback=False)


@pytest.mark.parametrize("url", ["http://public.example.com/hooks", "ftp://public.example.com/",
                                 "public.example.com/hooks", "https://", "not a url"])
def test_other_schemes_are_refused(url):
    assert refused(url)


@pytest.mark.parametrize("url", ["https://10.0.0.1/", "https://192.168.1.1/", "https://172.16.0.9/",
                                 "https://169.254.169.254/latest", "https://[::1]/", "https://127.0.0.1/",
                                 "https://0.0.0.0/", "https://224.0.0.1/", "https://100.64.0.1/",
                                 "https://[fe80::1]/", "https://[::ffff:10.0.0.1]/",
                                 "https://240.0.0.1/"])
def test_private_and_reserved_literals_are_refused(url):
    assert "private" in refused(url)


@pytest.mark.parametrize("url", ["https://intranet.example.dz/h", "https://mixed.example.dz/h",
                                 "https://v6-local.example.dz/h", "https://rebind.example.dz/h"])
def test_names_resolving_to_any_private_address_are_refused(url):
    assert "private" in refused(url)


def test_unresolvable_host_is_refused():
    assert "resolve" in refused("https://nowhere.example.dz/h")


def test_credentials_in_the_url_are_refused():
    assert refused("https://user:pw@public.example.com/h")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost:9000/h",
                                 "https://localhost/h", "https://127.0.0.1:8443/", "http://[::1]:81/"])
def test_loopback_is_allowed_only_where_the_deployment_says_so(url):
    check_url(url, resolver, allow_loopback=True)
    assert refused(url, allow_loopback=False)


def test_allowing_loopback_does_not_allow_private_networks():
    assert "private" in refused("https://10.0.0.1/", allow_loopback=True)
    assert "private" in refused("https://intranet.example.dz/", allow_loopback=True)
    assert refused("http://public.example.com/", allow_loopback=True)
