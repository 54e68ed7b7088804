<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own strings that qtbase_fr.qm (shipped with PySide6) lacks: Qt 6 renamed them
     ("&Look in:" was "Look in:"), so the file dialog showed English in French. Kept by
     hand (lupdate does not see Qt's sources); tests/ui/test_french_ui.py finds new ones. -->
<TS version="2.1" language="fr_FR">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Regarder dans :</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>Fichiers de &amp;type :</translation>
    </message>
</context>
</TS>
