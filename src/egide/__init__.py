"""Égide: protection of people against trafficking in persons, human security approach."""
