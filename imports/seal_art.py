"""The art sources of the figurate seals: literal data only (read with ast from older commits).

Markup: ``<name>…</name>`` colours a run for the terminal, where ``name`` is a key of
``PALETTE`` in imports/ascii_displays.py; any other ``<…>`` is literal art. Tokens such as
``___SEARCH___`` are placeholders bound to the real patch markers only after the colour pass,
and are written as wide as the marker they stand for, so the source stays plumb too.
Every space here is counted by the ledger (imports/seals.json): change the art only through
``prompt-foo --reledger NAME``.
"""

ART = {
    "white_rabbit": {
        "meaning": "the project's signature: if this rabbit is crooked, the whitespace was bent",
        "art": """\
<fur>            ()     ()</fur>
<fur>            ||     ||</fur>
<fur>            ||_____||</fur>
<fur>           /  </fur><eye>o   o</eye><fur>  \\</fur>          <ink>prompt-foo</ink>
<fur>          (     </fur><eye>x</eye><fur>     )</fur>         <dim>the white rabbit seal</dim>
<fur>           \\  '---'  /</fur>
<fur>       .----'-------'----.</fur>      <dim>every space on this card</dim>
<fur>      /    |         |    \\</fur>     <dim>is counted; bend one and</dim>
<fur>     (_____|_________|_____)</fur>    <dim>nothing leaves the machine</dim>

<ink>      drift=0</ink>   <dim>two  spaces,  one  blank  line,  plumb</dim>""",
    },
    "player_piano": {
        "meaning": "the patch grammar as a sealed panel: answer with these blocks, markers as shown",
        "art": """\
<box>+-- player piano: how to answer -------------------------------+</box>
<box>|</box> one ```text fence per block, Target: inside it, on top       <box>|</box>
<box>|</box>                                                              <box>|</box>
<box>|</box> <dim>Target: path/to/file.py</dim>                                      <box>|</box>
<box>|</box> <key>___SEARCH___</key>                                                 <box>|</box>
<box>|</box> <dim>lines copied exactly from the file (they match once)</dim>         <box>|</box>
<box>|</box> <key>___DIVIDER___</key>                                                <box>|</box>
<box>|</box> <dim>the lines that take their place (empty: delete)</dim>              <box>|</box>
<box>|</box> <key>___REPLACE___</key>                                                <box>|</box>
<box>|</box>                                                              <box>|</box>
<box>|</box> a new or rewritten file, whole:                              <box>|</box>
<box>|</box> <dim>Target: path/to/new_file.py</dim>                                  <box>|</box>
<box>|</box> <key>___WRITE_FILE___</key>                                             <box>|</box>
<box>|</box> <dim>the full text</dim>                                                <box>|</box>
<box>|</box> <key>___END_WRITE_FILE___</key>                                         <box>|</box>
<box>+--------------------------------------------------------------+</box>""",
    },
}
