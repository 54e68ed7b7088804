"""PyInstaller run-time hook: make TLS verification find the machine's CA certificates.

The bundle carries the OpenSSL of the build machine, which looks for CA certificates where
*that* system keeps them (Debian: /usr/lib/ssl). On another distribution (Fedora, openSUSE) or
on macOS (python.org's OpenSSL looks inside its own framework) that place does not exist and
every server would look untrusted (CERT_UNTRUSTED). When the default place is missing, point
OpenSSL at the system's own bundle, else at certifi's. The user's SSL_CERT_FILE/SSL_CERT_DIR
win; Windows needs nothing (Python reads the Windows certificate store).
"""

import os
import sys

# The distributions' own CA bundles (kept up to date by the OS, include company CAs that an
# administrator added), most common first.
SYSTEM_CA_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Arch, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL, CentOS
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # Fedora, RHEL (newer)
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # macOS, Alpine, OpenBSD
)


def _has_default_store() -> bool:
    import ssl

    paths = ssl.get_default_verify_paths()
    if paths.cafile and os.path.isfile(paths.cafile):
        return True
    return bool(paths.capath and os.path.isdir(paths.capath) and os.listdir(paths.capath))


def ca_bundle_to_use(environ=os.environ, platform=sys.platform, has_default=_has_default_store,
                     candidates=SYSTEM_CA_BUNDLES, isfile=os.path.isfile):
    """The file SSL_CERT_FILE should name, or None to leave OpenSSL's defaults alone."""
    if platform == "win32" or environ.get("SSL_CERT_FILE") or environ.get("SSL_CERT_DIR"):
        return None
    if has_default():
        return None
    for candidate in candidates:
        if isfile(candidate):
            return candidate
    try:
        import certifi
    except ImportError:
        return None
    return certifi.where()


def point_openssl_at_ca() -> None:
    bundle = ca_bundle_to_use()
    if bundle:
        os.environ["SSL_CERT_FILE"] = bundle


def _pyi_rthook():
    from postier_after_import import after_import

    # OpenSSL reads SSL_CERT_FILE when a context loads its default certificates, always
    # after ``ssl`` is imported; importing ssl (and loading OpenSSL) at every start is most of
    # what ``postier --version`` would otherwise cost.
    after_import("ssl", point_openssl_at_ca)


_pyi_rthook()
del _pyi_rthook
