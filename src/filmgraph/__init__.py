"""filmgraph: film reviews in, a linked-data knowledge graph out.

The pipeline has one module per stage, each a function from one data type to the next::

    read (Review) -> extract (Extraction) -> link -> graph (rdflib Graph) -> store (Oxigraph)
                                                                          -> query / view / export

Everything the command line does can be called from Python; ``cli`` imports the stages and
nothing imports ``cli``.
"""

__version__ = "0.1.0"
