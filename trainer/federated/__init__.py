"""Federated learning: the maths the browser's federated client must reproduce exactly."""
