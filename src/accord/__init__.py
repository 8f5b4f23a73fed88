"""accord: political event coding of dated news into PLOVER records.

Stages (one module each): readers -> nlp -> actors -> events -> where -> when -> store,
with `pipeline` running them in order and `cli` as the command-line surface.
"""

__version__ = "0.1.0"
