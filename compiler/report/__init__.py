"""Reports generated from the rules: the policy handbook and the monitoring report
(`beleid report`).

Stages: handbook.py and state.py reduce the policy and an evaluation to data; phrases.py and the
sentence templates turn rule fields into Dutch and English; charts/ draws; site.py writes pages;
extras.py adds what changed since the previous moment, the analysts' downloads and the search.
"""
