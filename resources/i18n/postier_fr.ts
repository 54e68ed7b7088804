<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="+30"/>
        <source>About Postier</source>
        <translation>À propos de Postier</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Set up your business mail account, send mail, and see what became of every message.</source>
        <translation>Configurez votre messagerie professionnelle, envoyez vos courriers et voyez ce que devient chaque message.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Passwords are kept only in the system keyring.</source>
        <translation>Les mots de passe sont conservés uniquement dans le trousseau du système.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Data folder:</source>
        <translation>Dossier des données :</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Sign-in &amp;configuration…</source>
        <translation>&amp;Configuration de la connexion…</translation>
    </message>
</context>
<context>
    <name>AccountsView</name>
    <message>
        <location filename="../../app/ui/accounts_view.py" line="+97"/>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label</source>
        <translation>Étiquette</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sync status</source>
        <translation>Synchronisation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last test</source>
        <translation>Dernier test</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Add account…</source>
        <translation>Ajouter un compte…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit…</source>
        <translation>Modifier…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re-test</source>
        <translation>Re-tester</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Password, servers, signature…</source>
        <translation>Mot de passe, serveurs, signature…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Sign in again</source>
        <translation>Se reconnecter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Renew the sign-in on the provider&apos;s own page; messages and history are kept</source>
        <translation>Renouveler la connexion sur la page du fournisseur ; les messages et l&apos;historique sont conservés</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign in with a code</source>
        <translation>Se connecter avec un code</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No browser on this computer: sign in on a phone or another computer with a code</source>
        <translation>Pas de navigateur sur cet ordinateur : connectez-vous sur un téléphone ou un autre ordinateur avec un code</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancel sign-in</source>
        <translation>Annuler la connexion</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Never</source>
        <translation>Jamais</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Needs attention: sign in again</source>
        <translation>À vérifier : reconnectez-vous</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not syncing: %s</source>
        <translation>Ne se synchronise plus : %s</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not checked yet</source>
        <translation>Pas encore vérifié</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <location line="+140"/>
        <source>%s: asking the provider for a sign-in code…</source>
        <translation>%s : demande d&apos;un code de connexion au fournisseur…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%s: finish signing in in your web browser. Waiting…</source>
        <translation>%s : terminez la connexion dans votre navigateur. En attente…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1: on any computer or phone, open %2 and enter the code %3. Waiting…</source>
        <translation>%1 : sur n&apos;importe quel ordinateur ou téléphone, ouvrez %2 et saisissez le code %3. En attente…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>%s: signed in again. Replies and bounces are followed again.</source>
        <translation>%s : reconnecté. Les réponses et les retours sont de nouveau suivis.</translation>
    </message>
    <message>
        <location line="-190"/>
        <source>Watching for replies and bounces</source>
        <translation>Surveille les réponses et les rejets</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Up to date</source>
        <translation>À jour</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Testing %s…</source>
        <translation>Test de %s…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%s works: sending and receiving are OK.</source>
        <translation>%s fonctionne : l&apos;envoi et la réception sont OK.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%s: the test could not run: %s</source>
        <translation>%s : le test n&apos;a pas pu être lancé : %s</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%s does not work: %s</source>
        <translation>%s ne fonctionne pas : %s</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>see the details in the setup assistant</source>
        <translation>voyez le détail dans l&apos;assistant de configuration</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Remove account</source>
        <translation>Supprimer le compte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove %s from Postier?

Its password is deleted from the system keyring. Messages already sent stay in the table.</source>
        <translation>Supprimer %s de Postier ?

Son mot de passe est effacé du trousseau du système. Les messages déjà envoyés restent dans le tableau.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%s could not be removed: %s</source>
        <translation>%s n&apos;a pas pu être supprimé : %s</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%s was removed.</source>
        <translation>%s a été supprimé.</translation>
    </message>
</context>
<context>
    <name>AddressField</name>
    <message>
        <location filename="../../app/ui/compose_dialog.py" line="+80"/>
        <source>Not an e-mail address: %s</source>
        <translation>Adresse e-mail invalide : %s</translation>
    </message>
</context>
<context>
    <name>AddressPage</name>
    <message>
        <location filename="../../app/ui/wizard/address_page.py" line="+54"/>
        <source>Your address and password</source>
        <translation>Votre adresse et votre mot de passe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Postier looks for your server settings as soon as you leave the address field. Your password stays hidden.</source>
        <translation>Postier cherche les réglages de vos serveurs dès que vous quittez le champ de l&apos;adresse. Votre mot de passe reste masqué.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>name@your-company.fr</source>
        <translation>nom@votre-entreprise.fr</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;E-mail address:</source>
        <translation>Adresse &amp;e-mail :</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>S&amp;how</source>
        <translation>Affic&amp;her</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the password in clear (careful if your screen is shared)</source>
        <translation>Afficher le mot de passe en clair (attention si votre écran est partagé)</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+262"/>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe :</translation>
    </message>
    <message>
        <location line="-253"/>
        <source>e.g. Marie Dupont – Dupont SARL</source>
        <translation>ex. Marie Dupont – Dupont SARL</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name shown to &amp;recipients (optional):</source>
        <translation>Nom affiché aux &amp;destinataires (facultatif) :</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>&lt;a href=&quot;manual&quot;&gt;Manual settings…&lt;/a&gt; (enter the server names yourself)</source>
        <translation>&lt;a href=&quot;manual&quot;&gt;Réglages manuels…&lt;/a&gt; (saisir vous-même les noms des serveurs)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>App &amp;password:</source>
        <translation>&amp;Mot de passe d&apos;application :</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>New &amp;password:</source>
        <translation>&amp;Nouveau mot de passe :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unchanged — type a new one to replace it</source>
        <translation>inchangé — tapez-en un nouveau pour le remplacer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change the account</source>
        <translation>Modifier le compte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type a new password only if it changed. Next come the servers, a new test and the signature: nothing is saved until the test passes.</source>
        <translation>Tapez un nouveau mot de passe seulement s&apos;il a changé. Viennent ensuite les serveurs, un nouveau test et la signature : rien n&apos;est enregistré tant que le test n&apos;a pas réussi.</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Looking for the settings of %1…</source>
        <translation>Recherche des réglages de %1…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Thunderbird database</source>
        <translation>base de données de Thunderbird</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>provider&apos;s automatic configuration</source>
        <translation>configuration automatique de l&apos;hébergeur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>domain&apos;s configuration file</source>
        <translation>fichier de configuration du domaine</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mail servers of the domain (MX)</source>
        <translation>serveurs de messagerie du domaine (MX)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DNS service records (SRV)</source>
        <translation>enregistrements de service DNS (SRV)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>usual server names</source>
        <translation>noms de serveur habituels</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Postier&apos;s list of providers</source>
        <translation>liste des hébergeurs de Postier</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>found</source>
        <translation>trouvé</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>nothing</source>
        <translation>rien</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no answer</source>
        <translation>pas de réponse</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 — %2: %3 (%4 ms)</source>
        <translation>%1 — %2 : %3 (%4 ms)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1: %3 (%4 ms)</source>
        <translation>%1 : %3 (%4 ms)</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>No settings found for %1: click Next to enter them yourself (your provider&apos;s help pages list them).</source>
        <translation>Aucun réglage trouvé pour %1 : cliquez sur Suivant pour les saisir vous-même (les pages d&apos;aide de votre hébergeur les indiquent).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Using the settings of %1 from Postier&apos;s list of providers.</source>
        <translation>Réglages de %1 pris dans la liste des hébergeurs de Postier.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Settings guessed for %1 from the usual server names (%2): the test on the next page will tell whether they work.</source>
        <translation>Réglages de %1 devinés d&apos;après les noms de serveur habituels (%2) : le test de la page suivante dira s&apos;ils fonctionnent.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Settings of %1 found — source: %2 (%3).</source>
        <translation>Réglages de %1 trouvés — source : %2 (%3).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>These are not %1&apos;s servers: the mail of %2 does not seem to be hosted there.</source>
        <translation>Ce ne sont pas les serveurs de %1 : la messagerie de %2 ne semble pas hébergée chez eux.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>This address is hosted by %1: signing in on its own page is recommended. &lt;a href=&quot;switch&quot;&gt;Use the %1 sign-in&lt;/a&gt;</source>
        <translation>Cette adresse est hébergée par %1 : la connexion par sa propre page est recommandée. &lt;a href=&quot;switch&quot;&gt;Utiliser la connexion %1&lt;/a&gt;</translation>
    </message>
</context>
<context>
    <name>CertDialog</name>
    <message>
        <location filename="../../app/ui/wizard/cert_dialog.py" line="+40"/>
        <source>Server certificate</source>
        <translation>Certificat du serveur</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Do you trust this certificate for %1?</source>
        <translation>Faites-vous confiance à ce certificat pour %1 ?</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Issued to:</source>
        <translation>Délivré à :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Names covered:</source>
        <translation>Noms couverts :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by:</source>
        <translation>Délivré par :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid from:</source>
        <translation>Valable du :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until:</source>
        <translation>Valable jusqu&apos;au :</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>SHA-256 fingerprint:</source>
        <translation>Empreinte SHA-256 :</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>I &amp;compared this fingerprint with the one my administrator gave me, and they are identical.</source>
        <translation>J&apos;ai &amp;comparé cette empreinte avec celle fournie par mon administrateur : elles sont identiques.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Postier will then accept exactly this certificate for this account, and warn you if it ever changes.</source>
        <translation>Postier acceptera alors exactement ce certificat pour ce compte, et vous préviendra s&apos;il change un jour.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Trust this certificate</source>
        <translation>&amp;Faire confiance à ce certificat</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Do &amp;not trust</source>
        <translation>&amp;Ne pas faire confiance</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This certificate has EXPIRED (see &quot;Valid until&quot;). Servers must renew their certificates; an expired one may also mean someone is impersonating the server. Check the date of this computer, and ask the administrator to renew it rather than trusting it.</source>
        <translation>Ce certificat a EXPIRÉ (voir « Valable jusqu&apos;au »). Les serveurs doivent renouveler leurs certificats ; un certificat expiré peut aussi signifier que quelqu&apos;un se fait passer pour le serveur. Vérifiez la date de cet ordinateur, et demandez plutôt à l&apos;administrateur de le renouveler.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This certificate is for OTHER NAMES (see &quot;Names covered&quot;) than %1. You may have mistyped the server name: prefer the name written in the certificate. Trust it only if your administrator confirms.</source>
        <translation>Ce certificat est établi pour D&apos;AUTRES NOMS (voir « Noms couverts ») que %1. Le nom du serveur est peut-être mal saisi : préférez le nom inscrit dans le certificat. Ne lui faites confiance que si votre administrateur le confirme.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This certificate is not signed by an authority your computer knows: the server may use a self-signed certificate (common on company servers). Anyone could make such a certificate, so compare the fingerprint with the one your administrator gives you.</source>
        <translation>Ce certificat n&apos;est pas signé par une autorité connue de votre ordinateur : le serveur utilise peut-être un certificat auto-signé (fréquent sur les serveurs d&apos;entreprise). N&apos;importe qui peut fabriquer un tel certificat : comparez donc l&apos;empreinte avec celle que vous donne votre administrateur.</translation>
    </message>
</context>
<context>
    <name>Checklist</name>
    <message>
        <location filename="../../app/ui/wizard/checklist.py" line="+1"/>
        <source>Server name found (DNS)</source>
        <translation>Nom du serveur trouvé (DNS)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connected to the server</source>
        <translation>Connexion au serveur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Secure connection (TLS)</source>
        <translation>Connexion sécurisée (TLS)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in</source>
        <translation>Identification</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in for sending</source>
        <translation>Identification pour l&apos;envoi</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Inbox opened</source>
        <translation>Ouverture de la boîte de réception</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+326"/>
        <source>Incoming mail (IMAP)</source>
        <translation>Réception du courrier (IMAP)</translation>
    </message>
    <message>
        <location line="-325"/>
        <location line="+326"/>
        <source>Outgoing mail (SMTP)</source>
        <translation>Envoi du courrier (SMTP)</translation>
    </message>
</context>
<context>
    <name>CheckRow</name>
    <message>
        <location filename="../../app/ui/domain_health_view.py" line="+155"/>
        <source>How to fix: %1</source>
        <translation>Comment corriger : %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Published now: %1</source>
        <translation>Publié actuellement : %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>To improve</source>
        <translation>À améliorer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To fix</source>
        <translation>À corriger</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>DNS record to add</source>
        <translation>Enregistrement DNS à ajouter</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+12"/>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Copy the record to paste it at your DNS host</source>
        <translation>Copier l&apos;enregistrement pour le coller chez votre hébergeur DNS</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Copied</source>
        <translation>Copié</translation>
    </message>
    <message>
        <source>&lt;public key given by your mail provider&gt;</source>
        <translation>&lt;clé publique fournie par votre hébergeur de messagerie&gt;</translation>
    </message>
    <message>
        <source>&lt;your-tenant&gt;</source>
        <translation>&lt;votre-tenant&gt;</translation>
    </message>
</context>
<context>
    <name>ComposeDialog</name>
    <message>
        <location filename="../../app/ui/compose_dialog.py" line="+50"/>
        <source>New message</source>
        <translation>Nouveau message</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>name@example.com, …</source>
        <translation>nom@exemple.fr, …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy</source>
        <translation>Copie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hidden copy: recipients don&apos;t see these</source>
        <translation>Copie cachée : les destinataires ne les voient pas</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Message text</source>
        <translation>Texte du message</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Ask for a read receipt</source>
        <translation>Demander un accusé de lecture</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send later, at</source>
        <translation>Envoyer plus tard, à</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send even during quiet hours</source>
        <translation>Envoyer même pendant les heures calmes</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Send test to myself</source>
        <translation>M&apos;envoyer un test</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+261"/>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>To</source>
        <translation>À</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cc</source>
        <translation>Cc</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bcc</source>
        <translation>Cci</translation>
    </message>
    <message>
        <location line="-270"/>
        <source>&amp;To</source>
        <translation>&amp;À</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fro&amp;m</source>
        <translation>&amp;De</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Cc</source>
        <translation>&amp;Cc</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Bcc</source>
        <translation>Cc&amp;i</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Groups</source>
        <translation>&amp;Groupes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Subject</source>
        <translation>&amp;Objet</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Your unsent message was kept as a draft.</source>
        <translation>Votre message non envoyé a été gardé en brouillon.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Discard draft</source>
        <translation>&amp;Supprimer le brouillon</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>B</source>
        <translation>G</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Bold</source>
        <translation>Gras</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>I</source>
        <translation>I</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Italic</source>
        <translation>Italique</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>U</source>
        <translation>S</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Underline</source>
        <translation>Souligné</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bulleted list</source>
        <translation>Liste à puces</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>&lt;i&gt;No signature for this account.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Pas de signature pour ce compte.&lt;/i&gt;</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Schedule</source>
        <translation>Programmer</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Add an account first (Accounts tab).</source>
        <translation>Ajoutez d&apos;abord un compte (onglet Comptes).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>[Test] %s</source>
        <translation>[Test] %s</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Postier</source>
        <translation>Postier</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%s: not an e-mail address: %s</source>
        <translation>%s : adresse e-mail invalide : %s</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Add at least one recipient.</source>
        <translation>Ajoutez au moins un destinataire.</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Test message: %s</source>
        <translation>Message de test : %s</translation>
    </message>
</context>
<context>
    <name>CountersBar</name>
    <message>
        <location filename="../../app/ui/filter_bar.py" line="+142"/>
        <source>Counters per status</source>
        <translation>Compteurs par statut</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No message matches.</source>
        <translation>Aucun message ne correspond.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No message sent yet.</source>
        <translation>Aucun message envoyé pour l&apos;instant.</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln message(s):</source>
        <translation>
            <numerusform>%Ln message&#xa0;:</numerusform>
            <numerusform>%Ln messages&#xa0;:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln recipient(s)</source>
        <translation>
            <numerusform>%Ln destinataire</numerusform>
            <numerusform>%Ln destinataires</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%Ln message(s) to %1:</source>
        <translation>
            <numerusform>%Ln message à %1&#xa0;:</numerusform>
            <numerusform>%Ln messages à %1&#xa0;:</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Click a counter to show only those messages.</source>
        <translation>Cliquez sur un compteur pour n&apos;afficher que ces messages.</translation>
    </message>
</context>
<context>
    <name>DataErrorDialog</name>
    <message>
        <location filename="../../app/ui/data_error.py" line="+41"/>
        <source>Postier&apos;s data file is damaged or cannot be read.</source>
        <translation>Le fichier de données de Postier est endommagé ou illisible.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>A backup from %1 can be restored. The damaged file is kept beside it, renamed, in case your IT support needs it.</source>
        <translation>Une sauvegarde du %1 peut être restaurée. Le fichier endommagé est conservé à côté, renommé, au cas où votre support informatique en aurait besoin.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Restore the latest backup</source>
        <translation>&amp;Restaurer la dernière sauvegarde</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Close</source>
        <translation>&amp;Fermer</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>The backup was restored.</source>
        <translation>La sauvegarde a été restaurée.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The damaged file is kept as %1.</source>
        <translation>Le fichier endommagé est conservé sous le nom %1.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The backup could not be restored.</source>
        <translation>La sauvegarde n&apos;a pas pu être restaurée.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Postier will now close. Open it again to continue with the restored data.</source>
        <translation>Postier va se fermer. Rouvrez-le pour continuer avec les données restaurées.</translation>
    </message>
</context>
<context>
    <name>DetailsPanel</name>
    <message>
        <location filename="../../app/ui/details_panel.py" line="+56"/>
        <location line="+48"/>
        <source>Select a message to see what became of it.</source>
        <translation>Sélectionnez un message pour voir ce qu&apos;il est devenu.</translation>
    </message>
    <message>
        <location line="-35"/>
        <source>Message details</source>
        <translation>Détails du message</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resend to a corrected address…</source>
        <translation>Renvoyer à une adresse corrigée…</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>(no subject)</source>
        <translation>(sans objet)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>What to do:</source>
        <translation>Que faire :</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Timeline</source>
        <translation>Historique</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No event yet.</source>
        <translation>Aucun événement pour l&apos;instant.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Resent to:</source>
        <translation>Renvoyé à :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Headers</source>
        <translation>En-têtes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To</source>
        <translation>À</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cc</source>
        <translation>Cc</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Bcc</source>
        <translation>Cci</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>(did not change the status)</source>
        <translation>(n&apos;a pas changé le statut)</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>This message is a resend of an earlier failed delivery.</source>
        <translation>Ce message renvoie un envoi précédent qui avait échoué.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Created</source>
        <translation>Créé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sent</source>
        <translation>Envoyé</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scheduled for</source>
        <translation>Programmé pour</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Server reply</source>
        <translation>Réponse du serveur</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Recorded, waiting to be sent</source>
        <translation>Enregistré, en attente d&apos;envoi</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Found in the Sent folder after an interruption</source>
        <translation>Retrouvé dans le dossier Envoyés après une interruption</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sending server</source>
        <translation>Serveur d&apos;envoi</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delivery report</source>
        <translation>Rapport de distribution</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bounce message</source>
        <translation>Message de rejet</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Read receipt</source>
        <translation>Accusé de lecture</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reply</source>
        <translation>Réponse</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Postier</source>
        <translation>Postier</translation>
    </message>
</context>
<context>
    <name>DomainHealthDialog</name>
    <message>
        <location filename="../../app/ui/domain_health_dialog.py" line="+78"/>
        <source>Domain health — %1</source>
        <translation>Santé du domaine — %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sending domain %1, used by %2</source>
        <translation>Domaine d&apos;envoi %1, utilisé par %2</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>Checking now…</source>
        <translation>Vérification en cours…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Report of %1. Checking again…</source>
        <translation>Rapport du %1. Nouvelle vérification en cours…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checked on %1.</source>
        <translation>Vérifié le %1.</translation>
    </message>
</context>
<context>
    <name>DomainHealthView</name>
    <message>
        <location filename="../../app/ui/domain_health_view.py" line="+32"/>
        <location line="+113"/>
        <source>Copy the report</source>
        <translation>Copier le rapport</translation>
    </message>
    <message>
        <location line="-110"/>
        <source>Copy the whole report as text, to send it to whoever manages your domain</source>
        <translation>Copier tout le rapport en texte, pour l&apos;envoyer à la personne qui gère votre domaine</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+107"/>
        <source>Check again</source>
        <translation>Vérifier à nouveau</translation>
    </message>
    <message>
        <location line="-39"/>
        <source>Checking the domain (MX, SPF, DKIM, DMARC, blocklists)…</source>
        <translation>Vérification du domaine (MX, SPF, DKIM, DMARC, listes de blocage)…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>%1/100</source>
        <translation>%1/100</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: %2 to fix, %3 to improve.</source>
        <translation>%1 : %2 à corriger, %3 à améliorer.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: no blocking problem, %3 to improve.</source>
        <translation>%1 : aucun problème bloquant, %3 à améliorer.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: everything is in order.</source>
        <translation>%1 : tout est en ordre.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The report is copied.</source>
        <translation>Le rapport est copié.</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>%n problème</numerusform>
            <numerusform>%n problèmes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n point(s)</source>
        <translation>
            <numerusform>%n point</numerusform>
            <numerusform>%n points</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EditAccountDialog</name>
    <message>
        <location filename="../../app/ui/accounts_view.py" line="-261"/>
        <source>Edit %s</source>
        <translation>Modifier %s</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Project or team, e.g. Shop, Accounting</source>
        <translation>Projet ou équipe, par ex. Boutique, Comptabilité</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name shown to recipients</source>
        <translation>Nom vu par les destinataires</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label</source>
        <translation>Étiquette</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <location filename="../../app/ui/filter_bar.py" line="-139"/>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All statuses</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Problems only</source>
        <translation>Problèmes seulement</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+44"/>
        <source>All accounts</source>
        <translation>Tous les comptes</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sent by</source>
        <translation>Envoyé par</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Everyone</source>
        <translation>Tout le monde</translation>
    </message>
    <message>
        <location line="-42"/>
        <source>Period</source>
        <translation>Période</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Any date</source>
        <translation>Toutes dates</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Today</source>
        <translation>Aujourd&apos;hui</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 7 days</source>
        <translation>7 derniers jours</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Last 30 days</source>
        <translation>30 derniers jours</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Between…</source>
        <translation>Entre…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>and</source>
        <translation>et</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Search subject, recipient, account (Ctrl+F)</source>
        <translation>Rechercher objet, destinataire, compte (Ctrl+F)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Search</source>
        <translation>Rechercher</translation>
    </message>
</context>
<context>
    <name>FinishPage</name>
    <message>
        <location filename="../../app/ui/wizard/finish_page.py" line="+60"/>
        <source>Your account is ready</source>
        <translation>Votre compte est prêt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send yourself a test message and check that your domain is ready to send.</source>
        <translation>Envoyez-vous un message de test et vérifiez que votre domaine est prêt pour l&apos;envoi.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Summary</source>
        <translation>Récapitulatif</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Send a test e-mail to &amp;myself</source>
        <translation>M&apos;en&amp;voyer un e-mail de test</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Will your messages reach their recipients? (sender domain check)</source>
        <translation>Vos messages arriveront-ils à destination ? (contrôle du domaine d&apos;envoi)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Saved: %1 works for receiving and sending.</source>
        <translation>Enregistré : %1 fonctionne pour recevoir et envoyer.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Address:</source>
        <translation>Adresse :</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name:</source>
        <translation>Nom :</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Incoming (IMAP):</source>
        <translation>Réception (IMAP) :</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Outgoing (SMTP):</source>
        <translation>Envoi (SMTP) :</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign-in:</source>
        <translation>Connexion :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>provider&apos;s sign-in (no password stored)</source>
        <translation>connexion du fournisseur (aucun mot de passe conservé)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>password, kept in this computer&apos;s keyring</source>
        <translation>mot de passe, gardé dans le trousseau de cet ordinateur</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate:</source>
        <translation>Certificat :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>trusted by its fingerprint</source>
        <translation>approuvé par son empreinte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signature:</source>
        <translation>Signature :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next steps: click Finish to open Postier. Write your first message from the &quot;New message&quot; button; the sent-messages table shows what became of each one (delivered, bounced, replied…). Fix any red light above before sending to many people.</source>
        <translation>Et ensuite : cliquez sur Terminer pour ouvrir Postier. Écrivez votre premier message avec le bouton « Nouveau message » ; le tableau des messages envoyés montre ce que chacun est devenu (remis, rejeté, répondu…). Corrigez tout voyant rouge ci-dessus avant d&apos;écrire à beaucoup de monde.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sending…</source>
        <translation>Envoi…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Postier test message</source>
        <translation>Message de test Postier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hello,

This message was sent by Postier to check that your account %1 can send e-mail. You can delete it.
</source>
        <translation>Bonjour,

Ce message a été envoyé par Postier pour vérifier que votre compte %1 peut envoyer des e-mails. Vous pouvez le supprimer.
</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Server reply: %1</source>
        <translation>Réponse du serveur : %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sent: your outgoing server accepted the message. Look in your inbox in a minute.</source>
        <translation>Envoyé : votre serveur d&apos;envoi a accepté le message. Regardez dans votre boîte de réception d&apos;ici une minute.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Not sent yet: the message waits in the outbox and leaves at its scheduled time.</source>
        <translation>Pas encore envoyé : le message attend dans la boîte d&apos;envoi et partira à l&apos;heure prévue.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not sent yet — Postier will try again by itself (the Sent messages table shows when).</source>
        <translation>Pas encore envoyé — Postier réessaiera tout seul (le tableau des messages envoyés indique quand).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reason: %1</source>
        <translation>Raison : %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not sent: the server refused the message.</source>
        <translation>Non envoyé : le serveur a refusé le message.</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Not sent: %1</source>
        <translation>Non envoyé : %1</translation>
    </message>
</context>
<context>
    <name>GuidanceTexts</name>
    <message>
        <location filename="../../app/ui/wizard/guidance.py" line="+29"/>
        <source>Create a Gmail app password</source>
        <translation>Créer un mot de passe d&apos;application Gmail</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open your Google Account: myaccount.google.com, then &quot;Security&quot;.</source>
        <translation>Ouvrez votre compte Google : myaccount.google.com, puis « Sécurité ».</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Turn on &quot;2-Step Verification&quot; if it is off (Google requires it for app passwords).</source>
        <translation>Activez la « Validation en deux étapes » si elle est désactivée (Google l&apos;exige pour les mots de passe d&apos;application).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open myaccount.google.com/apppasswords and create an app password named &quot;Postier&quot;.</source>
        <translation>Ouvrez myaccount.google.com/apppasswords et créez un mot de passe d&apos;application nommé « Postier ».</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Google shows a 16-character code: copy it.</source>
        <translation>Google affiche un code de 16 caractères : copiez-le.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Come back here, paste the code in the &quot;App password&quot; field below (spaces do not matter) and click &quot;Test with this password&quot;.</source>
        <translation>Revenez ici, collez le code dans le champ « Mot de passe d&apos;application » ci-dessous (les espaces n&apos;ont pas d&apos;importance) et cliquez sur « Tester avec ce mot de passe ».</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open Gmail in your web browser.</source>
        <translation>Ouvrez Gmail dans votre navigateur.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Click the gear icon, then &quot;See all settings&quot;.</source>
        <translation>Cliquez sur la roue dentée, puis sur « Voir tous les paramètres ».</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the &quot;Forwarding and POP/IMAP&quot; tab.</source>
        <translation>Ouvrez l&apos;onglet « Transfert et POP/IMAP ».</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Under &quot;IMAP access&quot;, choose &quot;Enable IMAP&quot;, then &quot;Save Changes&quot; at the bottom.</source>
        <translation>Sous « Accès IMAP », choisissez « Activer IMAP », puis « Enregistrer les modifications » en bas de page.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Come back here and click &quot;Test again&quot;.</source>
        <translation>Revenez ici et cliquez sur « Relancer le test ».</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+11"/>
        <source>Ask your Microsoft 365 administrator to open the admin centre (admin.microsoft.com).</source>
        <translation>Demandez à votre administrateur Microsoft 365 d&apos;ouvrir le centre d&apos;administration (admin.microsoft.com).</translation>
    </message>
    <message>
        <location line="-9"/>
        <location line="+11"/>
        <source>Users → Active users → click your name.</source>
        <translation>Utilisateurs → Utilisateurs actifs → cliquer sur votre nom.</translation>
    </message>
    <message>
        <location line="-10"/>
        <location line="+11"/>
        <source>&quot;Mail&quot; tab → &quot;Manage email apps&quot;.</source>
        <translation>Onglet « Courrier » → « Gérer les applications de courrier ».</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Tick &quot;IMAP&quot; and &quot;Authenticated SMTP&quot;, then &quot;Save changes&quot;.</source>
        <translation>Cocher « IMAP » et « SMTP authentifié », puis « Enregistrer les modifications ».</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+11"/>
        <source>The change can take up to an hour: then click &quot;Test again&quot;.</source>
        <translation>La modification peut prendre jusqu&apos;à une heure : cliquez ensuite sur « Relancer le test ».</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Turn IMAP access on</source>
        <translation>Activer l&apos;accès IMAP</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Turn authenticated SMTP on</source>
        <translation>Activer le SMTP authentifié</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tick &quot;Authenticated SMTP&quot;, then &quot;Save changes&quot;.</source>
        <translation>Cocher « SMTP authentifié », puis « Enregistrer les modifications ».</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Sign in with Microsoft instead of a password</source>
        <translation>Se connecter avec Microsoft plutôt qu&apos;avec un mot de passe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your organisation only accepts Microsoft&apos;s own sign-in page: this is normal and more secure.</source>
        <translation>Votre organisation n&apos;accepte que la page de connexion de Microsoft : c&apos;est normal, et plus sûr.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Click &quot;Use the Office 365 sign-in&quot; below.</source>
        <translation>Cliquez ci-dessous sur « Utiliser la connexion Office 365 ».</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in on Microsoft&apos;s page in your browser, then come back here.</source>
        <translation>Connectez-vous sur la page de Microsoft dans votre navigateur, puis revenez ici.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>If Microsoft says an administrator must approve Postier, send them the approval link Postier shows.</source>
        <translation>Si Microsoft indique qu&apos;un administrateur doit autoriser Postier, envoyez-lui le lien d&apos;autorisation affiché par Postier.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Hello, Postier cannot connect securely to %1: the server only offers TLS versions older than 1.2, which are no longer safe. Could you enable TLS 1.2 or TLS 1.3 on the mail server (IMAP and SMTP)? Thank you.</source>
        <translation>Bonjour, Postier ne peut pas se connecter de façon sécurisée à %1 : le serveur ne propose que des versions de TLS antérieures à 1.2, qui ne sont plus sûres. Pourriez-vous activer TLS 1.2 ou TLS 1.3 sur le serveur de messagerie (IMAP et SMTP) ? Merci.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ask the administrator to update encryption</source>
        <translation>Demander à l&apos;administrateur de moderniser le chiffrement</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server uses an outdated encryption. Postier refuses it to protect your password; there is nothing to change on this computer.</source>
        <translation>Le serveur utilise un chiffrement dépassé. Postier le refuse pour protéger votre mot de passe ; il n&apos;y a rien à changer sur cet ordinateur.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send the message below to the server&apos;s administrator (or your hosting provider).</source>
        <translation>Envoyez le message ci-dessous à l&apos;administrateur du serveur (ou à votre hébergeur).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>When they confirm, click &quot;Test again&quot;.</source>
        <translation>Quand il vous le confirme, cliquez sur « Relancer le test ».</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Hello, the certificate of the mail server %1 has expired. Could you renew it (for example with Let&apos;s Encrypt)? Thank you.</source>
        <translation>Bonjour, le certificat du serveur de messagerie %1 a expiré. Pourriez-vous le renouveler (par exemple avec Let&apos;s Encrypt) ? Merci.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hello, the certificate of the mail server %1 is issued for another name. Which server name should I use, or could you install a certificate for this name? Thank you.</source>
        <translation>Bonjour, le certificat du serveur de messagerie %1 est établi pour un autre nom. Quel nom de serveur dois-je utiliser, ou pourriez-vous installer un certificat pour ce nom ? Merci.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Hello, the mail server %1 presents a certificate that is not signed by a recognised authority (self-signed?). Could you install a certificate from a recognised authority (for example Let&apos;s Encrypt), or give me its SHA-256 fingerprint so that I can check it? Thank you.</source>
        <translation>Bonjour, le serveur de messagerie %1 présente un certificat qui n&apos;est pas signé par une autorité reconnue (auto-signé ?). Pourriez-vous installer un certificat d&apos;une autorité reconnue (par exemple Let&apos;s Encrypt), ou me donner son empreinte SHA-256 pour que je la vérifie ? Merci.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>What to ask the server&apos;s administrator</source>
        <translation>Que demander à l&apos;administrateur du serveur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Postier could not prove that this server is really the one you expect, so it did not send your password.</source>
        <translation>Postier n&apos;a pas pu vérifier que ce serveur est bien celui attendu : il n&apos;a donc pas envoyé votre mot de passe.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send the message below to the server&apos;s administrator.</source>
        <translation>Envoyez le message ci-dessous à l&apos;administrateur du serveur.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>If they confirm the certificate is theirs, click &quot;Trust this certificate…&quot; and compare the fingerprint with theirs, character by character.</source>
        <translation>S&apos;il confirme que ce certificat est bien le sien, cliquez sur « Faire confiance au certificat… » et comparez l&apos;empreinte avec la sienne, caractère par caractère.</translation>
    </message>
</context>
<context>
    <name>MainMenus</name>
    <message>
        <location filename="../../app/ui/main_menus.py" line="+45"/>
        <source>New message</source>
        <translation>Nouveau message</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write a message (Ctrl+N)</source>
        <translation>Écrire un message (Ctrl+N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check for news now (F5)</source>
        <translation>Vérifier les nouvelles maintenant (F5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find</source>
        <translation>Rechercher</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export CSV…</source>
        <translation>Exporter en CSV…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the rows shown as a spreadsheet file</source>
        <translation>Enregistrer les lignes affichées dans un fichier tableur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resend…</source>
        <translation>Renvoyer…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quiet hours…</source>
        <translation>Heures calmes…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add account…</source>
        <translation>Ajouter un compte…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Domain health…</source>
        <translation>Santé du domaine…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the account&apos;s sending domain: SPF, DKIM, DMARC, blocklists (Ctrl+D)</source>
        <translation>Vérifier le domaine d&apos;envoi du compte : SPF, DKIM, DMARC, listes de blocage (Ctrl+D)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About Postier</source>
        <translation>À propos de Postier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Message</source>
        <translation>&amp;Message</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Accounts</source>
        <translation>&amp;Comptes</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Help</source>
        <translation>Aid&amp;e</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Main</source>
        <translation>Principal</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Sent messages are kept as a record; nothing was deleted.</source>
        <translation>Les messages envoyés sont conservés comme trace ; rien n&apos;a été supprimé.</translation>
    </message>
</context>
<context>
    <name>MainTabs</name>
    <message>
        <location filename="../../app/ui/main_tabs.py" line="+29"/>
        <source>Sent messages</source>
        <translation>Messages envoyés</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accounts</source>
        <translation>Comptes</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+7"/>
        <source>Notifications</source>
        <translation>Notifications</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Notifications (%d)</source>
        <translation>Notifications (%d)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="+109"/>
        <source>Refreshing…</source>
        <translation>Actualisation…</translation>
    </message>
    <message>
        <location line="+130"/>
        <source>Message %1 sent.</source>
        <translation>Message %1 envoyé.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message %1 is waiting to be sent.</source>
        <translation>Le message %1 attend d&apos;être envoyé.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message %1 could not be sent: see its row.</source>
        <translation>Le message %1 n&apos;a pas pu partir&#xa0;: voir sa ligne.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message %1 recorded.</source>
        <translation>Message %1 enregistré.</translation>
    </message>
    <message>
        <location line="-95"/>
        <source>Add account</source>
        <translation>Ajouter un compte</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+42"/>
        <source>Add an account first.</source>
        <translation>Ajoutez d&apos;abord un compte.</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>Domain health</source>
        <translation>Santé du domaine</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Which account&apos;s domain should be checked?</source>
        <translation>Le domaine de quel compte faut-il vérifier ?</translation>
    </message>
</context>
<context>
    <name>ManualPage</name>
    <message>
        <location filename="../../app/ui/wizard/manual_page.py" line="+132"/>
        <source>Server settings</source>
        <translation>Réglages des serveurs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy them from your provider&apos;s help page or ask your IT support. Only encrypted connections are possible.</source>
        <translation>Recopiez-les depuis la page d&apos;aide de votre hébergeur ou demandez-les à votre support informatique. Seules les connexions chiffrées sont possibles.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Incoming mail (IMAP)</source>
        <translation>Réception du courrier (IMAP)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Incoming server:</source>
        <translation>Serveur de &amp;réception :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outgoing mail (SMTP)</source>
        <translation>Envoi du courrier (SMTP)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Outgoing server:</source>
        <translation>Serveur d&apos;&amp;envoi :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incoming server, e.g. imap.your-company.fr</source>
        <translation>Serveur de réception, ex. imap.votre-entreprise.fr</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outgoing server, e.g. smtp.your-company.fr</source>
        <translation>Serveur d&apos;envoi, ex. smtp.votre-entreprise.fr</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&amp;User name:</source>
        <translation>&amp;Identifiant :</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Usually your full e-mail address.</source>
        <translation>En général, votre adresse e-mail complète.</translation>
    </message>
</context>
<context>
    <name>MessagesPage</name>
    <message>
        <location filename="../../app/ui/messages_page.py" line="+199"/>
        <source>Nothing matches “%1”. Check the spelling, or clear the search (Esc).</source>
        <translation>Rien ne correspond à «&#xa0;%1&#xa0;». Vérifiez l&apos;orthographe ou effacez la recherche (Échap).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No message matches these filters.</source>
        <translation>Aucun message ne correspond à ces filtres.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No message sent yet. Write one with Ctrl+N.</source>
        <translation>Aucun message envoyé pour l&apos;instant. Écrivez-en un avec Ctrl+N.</translation>
    </message>
</context>
<context>
    <name>MessagesTable</name>
    <message>
        <location line="-114"/>
        <source>Sent messages</source>
        <translation>Messages envoyés</translation>
    </message>
</context>
<context>
    <name>NotificationCenter</name>
    <message>
        <location filename="../../app/ui/notifications.py" line="+55"/>
        <source>Show Postier</source>
        <translation>Afficher Postier</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
</context>
<context>
    <name>NotificationsPanel</name>
    <message>
        <location line="+59"/>
        <source>A reply arrives</source>
        <translation>Une réponse arrive</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A message bounces</source>
        <translation>Un message est rejeté</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A mailbox stops syncing</source>
        <translation>Une boîte ne se synchronise plus</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A sign-in must be renewed</source>
        <translation>Une connexion doit être renouvelée</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>In the app</source>
        <translation>Dans l&apos;application</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Desktop</source>
        <translation>Bureau</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By e-mail</source>
        <translation>Par e-mail</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Notification history</source>
        <translation>Historique des notifications</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark all as read</source>
        <translation>Tout marquer comme lu</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Notify me when…</source>
        <translation>Me prévenir quand…</translation>
    </message>
    <message numerus="yes">
        <location line="+43"/>
        <source>%Ln unread</source>
        <translation>
            <numerusform>%Ln non lue</numerusform>
            <numerusform>%Ln non lues</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No unread notification</source>
        <translation>Aucune notification non lue</translation>
    </message>
</context>
<context>
    <name>PortRules</name>
    <message>
        <location filename="../../app/ui/wizard/manual_page.py" line="-125"/>
        <source>Enter the port number.</source>
        <translation>Saisissez le numéro de port.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The port is a number between 1 and 65535.</source>
        <translation>Le port est un nombre entre 1 et 65535.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Port 143 starts without encryption: your password could travel in clear, so Postier refuses it with SSL/TLS. Use port 993 with SSL/TLS, or choose STARTTLS if your provider says so (Postier then insists on encryption before signing in).</source>
        <translation>Le port 143 démarre sans chiffrement : votre mot de passe pourrait circuler en clair, Postier le refuse donc avec SSL/TLS. Utilisez le port 993 avec SSL/TLS, ou choisissez STARTTLS si votre hébergeur l&apos;indique (Postier exige alors le chiffrement avant de se connecter).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This is a POP3 port. Postier needs IMAP: use port 993 with SSL/TLS.</source>
        <translation>C&apos;est un port POP3. Postier a besoin d&apos;IMAP : utilisez le port 993 avec SSL/TLS.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Port 25 is for servers talking to each other: Internet providers block it and it may send in clear. Use 587 with STARTTLS or 465 with SSL/TLS.</source>
        <translation>Le port 25 sert aux échanges entre serveurs : les fournisseurs d&apos;accès le bloquent et il peut transmettre en clair. Utilisez 587 avec STARTTLS ou 465 avec SSL/TLS.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Port 465 uses SSL/TLS, not STARTTLS: change the security or use port 587.</source>
        <translation>Le port 465 utilise SSL/TLS, pas STARTTLS : changez la sécurité ou utilisez le port 587.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Port 993 uses SSL/TLS, not STARTTLS: change the security.</source>
        <translation>Le port 993 utilise SSL/TLS, pas STARTTLS : changez la sécurité.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Enter the server name, e.g. mail.your-company.fr.</source>
        <translation>Saisissez le nom du serveur, ex. mail.votre-entreprise.fr.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A server name has no spaces, @ or /, e.g. mail.your-company.fr.</source>
        <translation>Un nom de serveur ne contient ni espace, ni @, ni /, ex. mail.votre-entreprise.fr.</translation>
    </message>
</context>
<context>
    <name>QuietHoursDialog</name>
    <message>
        <location filename="../../app/ui/compose_dialog.py" line="+109"/>
        <source>Quiet hours</source>
        <translation>Heures calmes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hold messages written during quiet hours</source>
        <translation>Retenir les messages écrits pendant les heures calmes</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Recipients don&apos;t get mail late in the evening or at night: a message written then waits and leaves when quiet hours end.</source>
        <translation>Les destinataires ne reçoivent pas de courrier tard le soir ou la nuit : un message écrit à ce moment-là attend et part à la fin des heures calmes.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Until</source>
        <translation>Jusqu&apos;à</translation>
    </message>
</context>
<context>
    <name>QuietHoursNote</name>
    <message>
        <location line="-536"/>
        <source>Quiet hours ({start}–{end}): this message will wait and leave at {when}.</source>
        <translation>Heures calmes ({start}–{end}) : ce message attendra et partira le {when}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scheduled: this message will leave at {when}.</source>
        <translation>Programmé : ce message partira le {when}.</translation>
    </message>
</context>
<context>
    <name>RecipientGroups</name>
    <message>
        <location filename="../../app/ui/recipient_fields.py" line="+65"/>
        <source>Group members go in Bcc so they don&apos;t see each other&apos;s addresses.</source>
        <translation>Les membres d&apos;un groupe vont en Cci : ils ne voient pas les adresses des autres.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Import CSV…</source>
        <translation>Importer un CSV…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save recipients as a group…</source>
        <translation>Enregistrer les destinataires comme groupe…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add a group…</source>
        <translation>Ajouter un groupe…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%s (%d addresses)</source>
        <translation>%s (%d adresses)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Import addresses</source>
        <translation>Importer des adresses</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV files (*.csv *.txt)</source>
        <translation>Fichiers CSV (*.csv *.txt)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Group name</source>
        <translation>Nom du groupe</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+6"/>
        <source>Name of the group:</source>
        <translation>Nom du groupe :</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>New group</source>
        <translation>Nouveau groupe</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Add recipients first, then save them as a group.</source>
        <translation>Ajoutez d&apos;abord des destinataires, puis enregistrez-les comme groupe.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>A group named “%s” already exists.</source>
        <translation>Un groupe nommé « %s » existe déjà.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Group “%s” saved with %d addresses.</source>
        <translation>Groupe « %s » enregistré avec %d adresses.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The file could not be imported: %s</source>
        <translation>Le fichier n&apos;a pas pu être importé : %s</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%d addresses added to the group “%s”.</source>
        <translation>%d adresses ajoutées au groupe « %s ».</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%d lines without a valid address were skipped.</source>
        <translation>%d lignes sans adresse valide ont été ignorées.</translation>
    </message>
</context>
<context>
    <name>ResendDialog</name>
    <message>
        <location line="+435"/>
        <location line="+15"/>
        <source>Resend</source>
        <translation>Renvoyer</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>“{subject}” could not be delivered to {address}: {what}</source>
        <translation>« {subject} » n&apos;a pas pu être distribué à {address} : {what}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Corrected address</source>
        <translation>Adresse corrigée</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Enter one valid e-mail address.</source>
        <translation>Saisissez une adresse e-mail valide.</translation>
    </message>
</context>
<context>
    <name>SentMessagesModel</name>
    <message>
        <location filename="../../app/ui/messages_model.py" line="+154"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Recipient</source>
        <translation>Destinataire</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sent by</source>
        <translation>Envoyé par</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>(no subject)</source>
        <translation>(sans objet)</translation>
    </message>
</context>
<context>
    <name>ServerBox</name>
    <message>
        <location filename="../../app/ui/wizard/manual_page.py" line="+28"/>
        <source>SSL/TLS (recommended)</source>
        <translation>SSL/TLS (recommandé)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Port:</source>
        <translation>Port :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Security:</source>
        <translation>Sécurité :</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <location filename="../../app/ui/wizard/wizard.py" line="+47"/>
        <source>en</source>
        <comment>language code of this translation</comment>
        <translation>fr</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Postier — set up a mail account</source>
        <translation>Postier — configurer un compte de messagerie</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Suivant &gt;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Précédent</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Finish</source>
        <translation>&amp;Terminer</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Postier — change the account %1</source>
        <translation>Postier — modifier le compte %1</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Stop setting up the account?</source>
        <translation>Arrêter la configuration du compte ?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The address and password you typed will be lost.</source>
        <translation>L&apos;adresse et le mot de passe que vous avez saisis seront perdus.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Discard and close</source>
        <translation>&amp;Abandonner et fermer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Keep setting up</source>
        <translation>&amp;Continuer la configuration</translation>
    </message>
</context>
<context>
    <name>SignInBox</name>
    <message>
        <location filename="../../app/ui/wizard/sign_in_box.py" line="+1"/>
        <source>No browser here? Sign in with a &amp;code</source>
        <translation>Pas de navigateur ici ? Se connecter avec un &amp;code</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel sign-in</source>
        <translation>Annuler la connexion</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Signing in with %1 is not set up in this installation of Postier, so we will use a password instead.</source>
        <translation>La connexion avec %1 n&apos;est pas configurée dans cette installation de Postier : nous utiliserons donc un mot de passe.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign in on %1&apos;s own page: Postier never sees your password.</source>
        <translation>Connectez-vous sur la page de %1 : Postier ne voit jamais votre mot de passe.</translation>
    </message>
    <message>
        <location line="+130"/>
        <source>&amp;Sign in with %1</source>
        <translation>Se c&amp;onnecter avec %1</translation>
    </message>
    <message>
        <location line="-101"/>
        <source>Waiting for you to finish signing in in your web browser…</source>
        <translation>En attente de la fin de votre connexion dans le navigateur…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Asking for a sign-in code…</source>
        <translation>Demande d&apos;un code de connexion…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>On any computer or phone, open %1 and enter the code %2. Waiting…</source>
        <translation>Sur n&apos;importe quel ordinateur ou téléphone, ouvrez %1 et saisissez le code %2. En attente…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>The provider answered: %1</source>
        <translation>Réponse du fournisseur : %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The mail server refused this sign-in: sign in again with the account of %1.</source>
        <translation>Le serveur de messagerie a refusé cette connexion : reconnectez-vous avec le compte de %1.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The provider&apos;s page signed in %1, but the address being set up is %2: Postier could only open the mailbox of %1. Click &quot;Sign in again with %2&quot; and choose that account (or sign out of %1 on the provider&apos;s page first), or correct the address above.</source>
        <translation>La page du fournisseur a connecté %1, mais l&apos;adresse en cours de configuration est %2 : Postier ne pourrait ouvrir que la boîte de %1. Cliquez sur « Se reconnecter avec %2 » et choisissez ce compte (ou déconnectez d&apos;abord %1 sur la page du fournisseur), ou corrigez l&apos;adresse ci-dessus.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Signed in.</source>
        <translation>Connecté.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sign &amp;in again with %1</source>
        <translation>Se &amp;reconnecter avec %1</translation>
    </message>
</context>
<context>
    <name>SignInConfigDialog</name>
    <message>
        <location filename="../../app/ui/about_dialog.py" line="+26"/>
        <source>Sign-in configuration</source>
        <translation>Configuration de la connexion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where Postier found its sign-in settings (Microsoft 365, Outlook.com, Google). Secrets are never shown.</source>
        <translation>Où Postier a trouvé ses réglages de connexion (Microsoft 365, Outlook.com, Google). Les secrets ne sont jamais affichés.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Setting</source>
        <translation>Réglage</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Comes from</source>
        <translation>Provenance</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Copy for the &amp;diagnostics report</source>
        <translation>Copier pour le rapport de &amp;diagnostic</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>set (hidden)</source>
        <translation>défini (masqué)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>built-in default</source>
        <translation>valeur par défaut</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not set</source>
        <translation>non défini</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Files looked at, first wins (an environment variable wins over them all):</source>
        <translation>Fichiers consultés, le premier l&apos;emporte (une variable d&apos;environnement l&apos;emporte sur tous) :</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>found</source>
        <translation>trouvé</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not found</source>
        <translation>absent</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unknown keys ignored: %1</source>
        <translation>clés inconnues ignorées : %1</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Copied</source>
        <translation>Copié</translation>
    </message>
</context>
<context>
    <name>SignaturePage</name>
    <message>
        <location filename="../../app/ui/wizard/signature_page.py" line="+61"/>
        <source>Your e-mail signature</source>
        <translation>Votre signature e-mail</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Added at the bottom of the messages you send. You can leave it empty.</source>
        <translation>Ajoutée en bas des messages que vous envoyez. Vous pouvez la laisser vide.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Save the account</source>
        <translation>&amp;Enregistrer le compte</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Bold</source>
        <translation>Gras</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>B</source>
        <comment>bold button</comment>
        <translation>G</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Italic</source>
        <translation>Italique</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>I</source>
        <comment>italic button</comment>
        <translation>I</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Link…</source>
        <translation>Lien…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Logo or image…</source>
        <translation>Logo ou image…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Logo…</source>
        <translation>Logo…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Your si&amp;gnature:</source>
        <translation>Votre si&amp;gnature :</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Preview (as recipients will see it):</source>
        <translation>Aperçu (tel que vos destinataires le verront) :</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Plain-text version (generated, for mail programs without HTML):</source>
        <translation>Version texte (générée, pour les logiciels de messagerie sans HTML) :</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Add a link</source>
        <translation>Ajouter un lien</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Web address (e.g. https://your-company.fr):</source>
        <translation>Adresse web (ex. https://votre-entreprise.fr) :</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Choose your logo</source>
        <translation>Choisissez votre logo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Images (*.png *.jpg *.jpeg *.gif)</source>
        <translation>Images (*.png *.jpg *.jpeg *.gif)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This file is not an image Postier can read.</source>
        <translation>Ce fichier n&apos;est pas une image lisible par Postier.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Hello, … (your message)</source>
        <translation>Bonjour, … (votre message)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>More than one image: keep a single logo, several images make messages look like advertising to spam filters.</source>
        <translation>Plus d&apos;une image : gardez un seul logo, plusieurs images font passer vos messages pour de la publicité auprès des filtres anti-spam.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The signature contains a table: many mail programs (Outlook especially) display tables badly.</source>
        <translation>La signature contient un tableau : beaucoup de logiciels de messagerie (Outlook surtout) affichent mal les tableaux.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The signature weighs %1 KB (over 50 KB): use a smaller logo, it is added to every message.</source>
        <translation>La signature pèse %1 Ko (plus de 50 Ko) : utilisez un logo plus léger, elle est ajoutée à chaque message.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An image is loaded from the Internet: most mail programs block it. Use &quot;Logo…&quot; to embed it.</source>
        <translation>Une image est chargée depuis Internet : la plupart des logiciels de messagerie la bloquent. Utilisez « Logo… » pour l&apos;intégrer.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No plain-text version: some recipients will see nothing.</source>
        <translation>Pas de version texte : certains destinataires ne verront rien.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <location filename="../../app/ui/wizard/start_page.py" line="+42"/>
        <source>Which mailbox do you want to set up?</source>
        <translation>Quelle boîte aux lettres voulez-vous configurer ?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose where your business e-mail is hosted. If you are not sure, choose &quot;Other provider&quot; and type its name.</source>
        <translation>Choisissez où est hébergée votre messagerie professionnelle. En cas de doute, choisissez « Autre hébergeur » et tapez son nom.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Office 365 / Microsoft 365 (work or school account)</source>
        <translation>&amp;Office 365 / Microsoft 365 (compte professionnel ou scolaire)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Gmail / Google Workspace</source>
        <translation>&amp;Gmail / Google Workspace</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Othe&amp;r provider (OVH, Orange, IONOS…) or my own server</source>
        <translation>Aut&amp;re hébergeur (OVH, Orange, IONOS…) ou mon propre serveur</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Search your provider:</source>
        <translation>&amp;Chercher votre hébergeur :</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Type a name, e.g. OVH</source>
        <translation>Tapez un nom, ex. OVH</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Not in the list? Choose &quot;My own server&quot;: Postier will look for the settings itself.</source>
        <translation>Absent de la liste ? Choisissez « Mon propre serveur » : Postier cherchera les réglages lui-même.</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>My own server (company or self-hosted)</source>
        <translation>Mon propre serveur (entreprise ou auto-hébergé)</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <location filename="../../app/ui/main.py" line="+95"/>
        <source>Postier cannot start.</source>
        <translation>Postier ne peut pas démarrer.</translation>
    </message>
</context>
<context>
    <name>StatusSummary</name>
    <message numerus="yes">
        <location filename="../../app/ui/main_tabs.py" line="+26"/>
        <source>%Ln row(s) · updated at %1</source>
        <translation>
            <numerusform>%Ln ligne · mis à jour à %1</numerusform>
            <numerusform>%Ln lignes · mis à jour à %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%Ln problem(s)</source>
        <translation>
            <numerusform>%Ln problème</numerusform>
            <numerusform>%Ln problèmes</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>all good</source>
        <translation>tout va bien</translation>
    </message>
</context>
<context>
    <name>StepPage</name>
    <message>
        <location filename="../../app/ui/wizard/step_page.py" line="+41"/>
        <source>Step %1 of %2</source>
        <translation>Étape %1 sur %2</translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <location filename="../../app/ui/wizard/check_page.py" line="+94"/>
        <source>Testing your account</source>
        <translation>Test de votre compte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Postier checks receiving and sending, step by step. Nothing is saved until everything works.</source>
        <translation>Postier vérifie la réception et l&apos;envoi, étape par étape. Rien n&apos;est enregistré tant que tout ne fonctionne pas.</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+326"/>
        <source>Incoming mail (IMAP)</source>
        <translation>Réception du courrier (IMAP)</translation>
    </message>
    <message>
        <location line="-325"/>
        <location line="+326"/>
        <source>Outgoing mail (SMTP)</source>
        <translation>Envoi du courrier (SMTP)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The server answered:</source>
        <translation>Le serveur a répondu :</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+289"/>
        <source>New &amp;password:</source>
        <translation>&amp;Nouveau mot de passe :</translation>
    </message>
    <message>
        <location line="-284"/>
        <source>Test &amp;with this password</source>
        <translation>Tester &amp;avec ce mot de passe</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>S&amp;top the test</source>
        <translation>&amp;Arrêter le test</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Test again</source>
        <translation>&amp;Relancer le test</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>T&amp;rust this certificate…</source>
        <translation>Faire &amp;confiance au certificat…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use the &amp;Office 365 sign-in</source>
        <translation>Utiliser la connexion &amp;Office 365</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Change the &amp;settings</source>
        <translation>&amp;Modifier les réglages</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy the &amp;message</source>
        <translation>Copier le messa&amp;ge</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign &amp;in again</source>
        <translation>S&amp;e reconnecter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy &amp;diagnostics</source>
        <translation>Copier le &amp;diagnostic</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copies a report for support: versions, steps, times and server replies — never your password.</source>
        <translation>Copie un rapport pour le support : versions, étapes, durées et réponses des serveurs — jamais votre mot de passe.</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Account %1 — incoming %2, outgoing %3</source>
        <translation>Compte %1 — réception %2, envoi %3</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Testing… this usually takes a few seconds.</source>
        <translation>Test en cours… cela prend en général quelques secondes.</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Test stopped. Nothing was saved.</source>
        <translation>Test arrêté. Rien n&apos;a été enregistré.</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Everything works! (%1 s) Click Next to continue.</source>
        <translation>Tout fonctionne ! (%1 s) Cliquez sur Suivant pour continuer.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The server refused the sign-in for this mailbox.</source>
        <translation>Le serveur a refusé la connexion pour cette boîte aux lettres.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in again with the account of %1: the provider&apos;s page must show this address. If it still fails, ask your administrator whether IMAP and SMTP access is allowed for this mailbox.</source>
        <translation>Reconnectez-vous avec le compte de %1 : la page du fournisseur doit afficher cette adresse. Si cela échoue encore, demandez à votre administrateur si l&apos;accès IMAP et SMTP est autorisé pour cette boîte aux lettres.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The test failed.</source>
        <translation>Le test a échoué.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>App &amp;password:</source>
        <translation>&amp;Mot de passe d&apos;application :</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Message copied: paste it into an e-mail to your administrator.</source>
        <translation>Message copié : collez-le dans un e-mail à votre administrateur.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Diagnostics copied (without your password): paste them into your message to support.</source>
        <translation>Diagnostic copié (sans votre mot de passe) : collez-le dans votre message au support.</translation>
    </message>
</context>
<context>
    <name>TableExport</name>
    <message>
        <location filename="../../app/ui/table_export.py" line="+34"/>
        <source>CSV, comma separated (*.csv)</source>
        <translation>CSV, séparateur virgule (*.csv)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV for French Excel, semicolon separated (*.csv)</source>
        <translation>CSV pour Excel français, séparateur point-virgule (*.csv)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export the rows shown</source>
        <translation>Exporter les lignes affichées</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The file could not be written: %s</source>
        <translation>Le fichier n&apos;a pas pu être écrit : %s</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%Ln row(s) exported to %1</source>
        <translation>
            <numerusform>%Ln ligne exportée vers %1</numerusform>
            <numerusform>%Ln lignes exportées vers %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TeamDatabaseBox</name>
    <message>
        <source>Team database</source>
        <translation>Base de données d'équipe</translation>
    </message>
    <message>
        <source>Database password (kept in this computer's keyring)</source>
        <translation>Mot de passe de la base (gardé dans le trousseau de cet ordinateur)</translation>
    </message>
    <message>
        <source>Save password</source>
        <translation>Enregistrer le mot de passe</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Tester la connexion</translation>
    </message>
    <message>
        <source>Copy this computer's history…</source>
        <translation>Copier l'historique de cet ordinateur…</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Live updates</source>
        <translation>Mises à jour en direct</translation>
    </message>
    <message>
        <source>Set by {source}</source>
        <translation>Défini par {source}</translation>
    </message>
    <message>
        <source>The sent messages of every colleague who shares an address are kept on this PostgreSQL server: everyone sees every send and every bounce within a second, one computer at a time reads a shared mailbox, and a failed message is resent once. Passwords stay in each computer's keyring.</source>
        <translation>Les messages envoyés de tous les collègues qui partagent une adresse sont gardés sur ce serveur PostgreSQL : chacun voit chaque envoi et chaque retour en moins d'une seconde, un seul ordinateur à la fois lit une boîte partagée, et un message en échec n'est renvoyé qu'une fois. Les mots de passe restent dans le trousseau de chaque ordinateur.</translation>
    </message>
    <message>
        <source>The URL contains a password: remove it from the settings and save it here, in this computer's keyring.</source>
        <translation>L'URL contient un mot de passe : retirez-le des réglages et enregistrez-le ici, dans le trousseau de cet ordinateur.</translation>
    </message>
    <message>
        <source>none — this computer keeps its own data file</source>
        <translation>aucune — cet ordinateur garde son propre fichier de données</translation>
    </message>
    <message>
        <source>To share the sent messages with colleagues, your IT provider sets a team database (postgresql://…) in postier.toml or POSTIER_DATABASE_URL.</source>
        <translation>Pour partager les messages envoyés avec vos collègues, votre prestataire informatique indique une base de données d'équipe (postgresql://…) dans postier.toml ou POSTIER_DATABASE_URL.</translation>
    </message>
    <message>
        <source>this computer only</source>
        <translation>cet ordinateur seulement</translation>
    </message>
    <message>
        <source>Password saved in this computer's keyring.</source>
        <translation>Mot de passe enregistré dans le trousseau de cet ordinateur.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Connected: PostgreSQL {version}, {ms} ms.</source>
        <translation>Connecté : PostgreSQL {version}, {ms} ms.</translation>
    </message>
    <message>
        <source>Mailboxes being read: {list}.</source>
        <translation>Boîtes lues en ce moment : {list}.</translation>
    </message>
    <message>
        <source>Offline: the team database cannot be reached.</source>
        <translation>Hors ligne : la base de données d'équipe est injoignable.</translation>
    </message>
    <message>
        <source>The table shows what was last read. New messages cannot be sent until it is back: they stay in their window, nothing is lost.</source>
        <translation>Le tableau montre ce qui a été lu en dernier. Les nouveaux messages ne peuvent pas partir avant son retour : ils restent dans leur fenêtre, rien n'est perdu.</translation>
    </message>
    <message>
        <source>The team database refused the user name or password.</source>
        <translation>La base de données d'équipe a refusé l'utilisateur ou le mot de passe.</translation>
    </message>
    <message>
        <source>Type the password given by whoever runs the server, then “Save password”: it is kept in this computer's keyring only.</source>
        <translation>Saisissez le mot de passe donné par qui gère le serveur, puis « Enregistrer le mot de passe » : il est gardé dans le trousseau de cet ordinateur seulement.</translation>
    </message>
    <message>
        <source>on (within a second of a colleague's change)</source>
        <translation>activées (moins d'une seconde après le changement d'un collègue)</translation>
    </message>
    <message>
        <source>Connected again.</source>
        <translation>De nouveau connecté.</translation>
    </message>
    <message>
        <source>off — retrying; the table is refreshed every second</source>
        <translation>coupées — nouvel essai en cours ; le tableau est relu chaque seconde</translation>
    </message>
    <message>
        <source>Copying this computer's history…</source>
        <translation>Copie de l'historique de cet ordinateur…</translation>
    </message>
    <message>
        <source>Copied: {messages} messages, {recipients} recipients, {events} events; {skipped} already there.</source>
        <translation>Copié : {messages} messages, {recipients} destinataires, {events} événements ; {skipped} déjà présents.</translation>
    </message>
</context>
<context>
    <name>TeamDatabaseDialog</name>
    <message>
        <source>Postier — Team database</source>
        <translation>Postier — Base de données d'équipe</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Réessayer</translation>
    </message>
</context>
<context>
    <name>TeamLive</name>
    <message>
        <source>Team database offline</source>
        <translation>Base de données d'équipe hors ligne</translation>
    </message>
</context>
</TS>
