"""Train an SVM on the iris data set: the child job the OBO job submits on the user's behalf.

Runs in the child's curated sklearn environment (Python 3.8), so it sticks to what that supports.
"""

from __future__ import annotations

import argparse

import pandas as pd
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iris-csv", required=True, help="path or URL of iris.csv")
    parser.add_argument("--C", type=float, default=1.0, help="SVM regularisation parameter")
    parser.add_argument("--kernel", default="rbf", help="SVM kernel")
    parser.add_argument("--coef0", type=float, default=0.0, help="kernel coefficient coef0")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    data = pd.read_csv(args.iris_csv)
    features, labels = data.iloc[:, :-1], data.iloc[:, -1]
    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=0.3, random_state=0
    )
    model = SVC(C=args.C, kernel=args.kernel, coef0=args.coef0).fit(x_train, y_train)
    accuracy = accuracy_score(y_test, model.predict(x_test))
    print(f"accuracy: {accuracy:.3f}")
    try:
        import mlflow
    except ImportError:
        return
    mlflow.log_params({"C": args.C, "kernel": args.kernel, "coef0": args.coef0})
    mlflow.log_metric("accuracy", accuracy)


if __name__ == "__main__":
    main()
