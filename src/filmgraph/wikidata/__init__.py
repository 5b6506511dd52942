"""Stage 3, link: our films, people, works and events to Wikidata, and Wikidata's facts merged in.

Public API::

    from filmgraph.wikidata.merge import link_store
    report = link_store(store, settings)            # offline snapshot / cache / network per settings

Modules: ``entity`` (the entity shape every source produces), ``client`` (the HTTP client:
polite, bounded, retrying), ``cache`` (responses on disk), ``snapshot`` (the bundled offline
knowledge base and imports), ``lookup`` (cache, then network, then snapshot), ``link``
(candidates and scores), ``merge`` (the RDF written to the links and Wikidata graphs),
``conflicts`` (where a review and Wikidata disagree).
"""

