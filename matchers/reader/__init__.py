"""The eligibility-criteria reader: one module per kind of criterion, called through
``matchers.reader.sentence.read_sentence`` for each sentence a trial's criteria hold."""
