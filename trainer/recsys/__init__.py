"""Sequential recommendation: datasets, metrics, baselines and the Privet ranker."""
