"""How a report speaks of itself: the subjects and sentences of bounce, delay and success
reports in the languages real MTAs and providers write them (EN, FR, DE, ES, IT, PT, NL, PL,
CS, RU, Nordic, FI, TR, RO, HU, ZH, JA, KO).

Lower-cased text is searched; every alternation is bounded (reports may be hostile).
"""

from __future__ import annotations

import re

BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|not delivered|delivery (?:status notification|failure|failed|has"
    r" failed|problem|notification|report)|failure notice|returned mail|mail delivery failed"
    r"|delivery status|nondeliverable|non[- ]?deliver|could not (?:be )?deliver|mail system error"
    r"|returned to sender|returning to sender|delivery (?:delayed|warning)|delayed mail"
    r"|warning: could not send"
    r"|message (?:not delivered|delayed|blocked|rejected|undeliverable)|unzustellbar|non remis"
    r"|non distribuable|échec de (?:la )?(?:remise|distribution)|impossible de remettre"
    r"|message non délivré|mail failure|bounce|rejected|unable to deliver|permanent failure"
    r"|配信エラー|配信不能|エラー|送信失敗|不達|mail could not be delivered|delivery notification"
    r"|error sending your (?:mail|message)|mail delivery failure|failure delivery|failed delivery"
    # DE, ES, IT, PT, NL report subjects
    r"|nicht zustellbar|zustellungsfehler|no se (?:puede|pudo) entregar|no entregado"
    r"|non recapitabile|mancato recapito|impossibile recapitare|não entregue|não foi entregue"
    r"|onbestelbaar|niet bezorgd|kan niet worden bezorgd"
    # PL, CS, RU, SV/DA/NO, FI, TR, RO, HU, ZH (simplified, traditional), KO report subjects
    r"|niedostarczon|nedoručiteln|nedoručen|не доставлено|недоставленн|не удалось доставить"
    r"|kunde inte levereras|olevererbar|kunne ikke leveres|ikke levert|ei voitu toimittaa"
    r"|teslim edilemedi|nu a putut fi livrat|kézbesíthetetlen|退信|退件|未送达|投递失败"
    r"|發送失敗|无法投递|無法傳遞|반송|전송 실패|배달 실패"
    # delay notices: FR, DE, ES, IT, NL, PT, PL, CS, RU, SV, DA/NO, FI, TR, ZH, KO
    r"|remise (?:différée|retardée)|distribution (?:différée|retardée|incomplète)"
    r"|zustellung verzögert|verzögerte zustellung|entrega (?:retrasada|demorada|atrasada|adiada)"
    r"|recapito (?:ritardato|in ritardo)|bezorging vertraagd|vertraagde bezorging"
    r"|opóźnion[aey] dostarcz|doručení (?:zpožděno|se zpozdilo)|задержка доставки"
    r"|leverans försenad|levering forsinket|toimitus viivästyi|teslimat gecik|延迟投递|延遲傳遞"
    r"|전송 지연|배달 지연")
BOUNCE_BODY = re.compile(
    r"this is the mail system at host|qmail-send program|mail delivery software"
    r"|could not be delivered to one or more|delivery has failed to these recipients"
    r"|your message (?:to .{1,80} )?(?:couldn't|could not|wasn't|was not|cannot) be delivered"
    r"|your message wasn't delivered|was not delivered to|delivery to the following recipients?"
    r" (?:failed|has been delayed)|following addresses had (?:permanent )?(?:fatal )?errors"
    r"|permanent fatal errors|unable to deliver your message|the following message to .{1,80}"
    r" was undeliverable|message could not be delivered|returned mail|non-delivery"
    r"|could not deliver|address(?:es)? failed|i'm afraid i wasn't able to deliver"
    r"|votre message n'a pas pu être (?:remis|distribué|délivré)|n'a pas pu être remis"
    r"|delivery status notification|undeliverable|transcript of session follows"
    r"|remote host said|remote server returned|smtp error from remote|配信できませんでした"
    r"|送信できませんでした|届きませんでした"
    r"|trouble delivering your message|rejected recipient|returned permanent errors"
    # Smail "Failed addresses follow:", security gateways' "could not be delivered to the
    # following recipients", Sina/Chinese webmail "邮件无法发送到…" / "无法送达"
    r"|failed addresses follow|could not be delivered to the following|无法发送到|无法送达"
    r"|unable to deliver (?:the )?message to|following addresses had delivery errors"
    r"|konnte nicht (?:zugestellt|ausgeliefert) werden|no se (?:ha )?(?:pudo|podido) entregar"
    r"|non (?:è stato possibile recapitare|può essere recapitato|è stato recapitato)"
    r"|não (?:pôde|foi possível) ser entregue|não foi possível entregar"
    r"|kon niet (?:worden )?(?:afgeleverd|bezorgd)|niet (?:worden )?afgeleverd"
    r"|nie (?:może|mogła|mogła zostać|została|zostanie) (?:zostać )?dostarczona"
    r"|nepodařilo (?:se )?doručit|не (?:удалось|может быть) доставить|не было доставлено"
    r"|kunde inte levereras|kunne ikke leveres|ei voitu toimittaa|teslim edilemedi"
    r"|nu a putut fi livrat|退信原因|被退回|无法投递|投递失败|發送失敗|無法傳遞|전송에 실패")
DELAY_MARK = re.compile(
    r"warning message only|do not need to resend|will (?:continue|keep) (?:to )?(?:try|retry)"
    r"|still (?:being )?(?:retried|trying|queued)|has been delayed|delivery (?:is )?delayed"
    r"|delayed mail|could not send message for past|(?:delivery|message) delay|will be retried"
    r"|not yet been delivered|delivery attempts will continue|retardé|toujours en cours"
    r"|nouvelle tentative|(?:delivery|message)"
    r" (?:is )?(?:pending|deferred)"
    # "not delivered yet, will keep trying" in FR, DE, ES, IT, NL, PT
    r"|pas encore (?:pu )?être remis|pas encore été (?:remis|distribué)|nouvelles tentatives"
    r"|noch nicht zugestellt|bisher nicht zugestellt|es wird weiterhin versucht"
    r"|(?:todavía|aún) no se ha entregado|se seguirá intentando|non (?:è )?(?:ancora stato|stato"
    r" ancora) recapitato|riproverà|nog niet (?:bezorgd|afgeleverd)|wordt (?:opnieuw|nogmaals)"
    r" geprobeerd|ainda não foi entregue|continuará a ser tentada|will retry for")
DELAY_SUBJECT = re.compile(r"delay|warning|still being retried|retard|pending|deferred|遅延"
                           r"|différée|verzögert|retrasad|demorad|ritardat|in ritardo|vertraagd"
                           r"|atrasad|adiad|opóźnion|zpožděn|zpozdil|задержк|försenad|forsinket"
                           r"|viivästy|gecik|延迟|延遲|지연")
SUCCESS_SUBJECT = re.compile(r"\(success\)|\brelayed\b|^\s*delivered:|successful(?:ly)? delivered"
                              r"|delivery (?:status notification )?\(relay\)"
                              # Outlook's localised "Delivered:" (FR, DE, ES, IT, NL, PT)
                              r"|^\s*(?:remis|übermittelt|zugestellt|entregado|recapitato"
                              r"|bezorgd|entregue)\s?:")
