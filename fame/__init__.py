"""FAME: Framework for Multi-Agency Environments."""
