"""Pieces every Beacon API view shares: who may call it (permissions), paging, and the one error shape (errors)."""
