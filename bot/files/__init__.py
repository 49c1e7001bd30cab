"""What the bot writes and reads as files: the summary's xlsx, csv, json and png, and the Excel catalogue
template. Pure functions from data to bytes (and back); the heavy libraries are imported where used."""
