"""The law as data: texts, their versions, the encoded conditions and the profile's fields."""
