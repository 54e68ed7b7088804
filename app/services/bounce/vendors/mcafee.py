"""McAfee (now Trellix) mail gateways: the Email Gateway / Email and Web Security appliance,
and McAfee SaaS Email Protection (formerly MX Logic).

- The appliance marks what it writes with "X-NAI-Header: Modified by McAfee ..." and sends
  "Subject: Delivery Status": a text part (deliveryproblems.txt) "--- The following addresses
  had delivery problems ---" then one line per recipient, "<x@y>   (reason)" -- the reason
  in parentheses is the remote server's reply or the appliance's own words ("User unknown
  x@y", "550 Unknown user x@y", "No such user") -- and a delivery-status part that often
  says only "Status: 5.0.0".
- MX Logic's MTA is Exim-derived ("This message was created automatically by mail delivery
  software.", "  <x@y>: 550 ..." or the Exim address/diagnostic layout, "Included is a copy of
  the message header:"), marked with X-MX-Bounce / X-MXL-Hash headers: read by the Exim
  module when it knows the layout, else by the "  <x@y>: reply" lines here.
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR
from app.services.bounce.vendors import exim, mtatext
from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import has_header, seen

NAME = "mcafee"

_EWS_MARK = "the following addresses had delivery problems"
_EWS_LINE = re.compile(r"^[ \t]*<(" + ADDR + r")>[ \t]+\(([^\n]{1,800})\)[ \t]*$", re.MULTILINE)
_MXL_LINE = re.compile(r"^[ \t]{1,4}<(" + ADDR + r")>:[ \t]*([^\n]{0,800})$", re.MULTILINE)
_MXL_END = ("included is a copy of the message header", "------ this is a copy of the message")


def detect(ctx: Context) -> bool:
    if has_header(ctx, "X-NAI-Header") and "mcafee" in ctx.header("X-NAI-Header").lower():
        return seen(ctx, _EWS_MARK, limit=2000)
    if has_header(ctx, "X-MX-Bounce") or has_header(ctx, "X-MXL-Hash"):
        return True
    return False


def extract(ctx: Context) -> list[Found]:
    head = ctx.head[:48000]
    if _EWS_MARK in head[:4000].lower():
        return _appliance(head)
    found = exim.extract(ctx) if exim.detect(ctx) else []
    return found or _mx_logic(head)


def _appliance(head: str) -> list[Found]:
    found: list[Found] = []
    for match in _EWS_LINE.finditer(head):
        address = match.group(1)
        if any(f.address == address.lower() for f in found):
            continue
        found.append(mtatext.make(address, match.group(2)))
        if len(found) >= 200:
            break
    return found


def _mx_logic(head: str) -> list[Found]:
    body = mtatext.section(head, ("following address failed", "following addresses failed",
                                  "following address(es) failed"), _MXL_END) or head
    matches = list(_MXL_LINE.finditer(body))
    found: list[Found] = []
    for index, match in enumerate(matches[:200]):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        more = body[match.end():min(end, match.end() + 2000)]
        found.append(mtatext.make(match.group(1), match.group(2) + "\n" + more))
    return found
