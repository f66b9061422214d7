"""Pieces every Beacon API view shares: who may call it, paging, fields, and the one error shape."""
