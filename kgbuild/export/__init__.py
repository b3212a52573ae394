"""Exports: the stored graph as networkx formats (GraphML, JSON), and papers straight into
``neo4j-admin`` import files for a first bulk load into Neo4j."""
