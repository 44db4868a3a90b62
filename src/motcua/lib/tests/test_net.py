from django.test import RequestFactory

from motcua.lib.net import client_ip, is_proxied


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_connection_address_counts(settings):
    settings.MOTCUA_TRUSTED_PROXY_COUNT = 0
    forged = request(REMOTE_ADDR="203.0.113.1", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert client_ip(forged) == "203.0.113.1"
    assert not is_proxied(forged)


def test_behind_one_proxy_the_address_it_appended_counts(settings):
    settings.MOTCUA_TRUSTED_PROXY_COUNT = 1
    proxied = request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.5")
    assert client_ip(proxied) == "203.0.113.5"
    assert is_proxied(proxied)
    assert client_ip(request(REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
