# Shell lists of the tuner logs: HELD the validation configs (never fitted), TRAIN the rest.
ALL=$(find docs/results -name "*.jsonl" | sort | grep -v calib11)
HELD=$(echo "$ALL" | grep -E "val-calib|tune19v|tune26v|tune26w|tune29v|tune25v|tune32v|timing33v|tune34v|tune35v|tune35fv|tune36v|tune36rv|tune45v|tune46v|tune48v|tune49v")
TRAIN=$(echo "$ALL" | grep -vE "val-calib|tune19v|tune26v|tune26w|tune29v|tune25v|tune32v|timing33v|tune34v|tune35v|tune35fv|tune36v|tune36rv|tune45v|tune46v|tune48v|tune49v")
