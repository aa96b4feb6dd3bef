"""The evidence log: documents, interview transcripts, meeting notes and e-mails, coded by theme.

Files are extracted to plain text when they are added; the original file is kept in the
database (``Evidence.content``) so a backup of the database is a backup of the evidence.
"""
