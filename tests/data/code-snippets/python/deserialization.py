"""Loading serialized data: which loaders can run code and which cannot."""

import _pickle
import json
import marshal
import pickle
import pickle as pkl
import shelve

import cloudpickle
import dill
import jsonpickle
import joblib
import numpy as np
import pandas as pd
import torch
import yaml
from joblib import load as joblib_load
from pickle import Unpickler, loads
from torch import load as torch_load
from yaml import FullLoader, SafeLoader


def read_session(blob, path, stream, upload):
    state = pickle.loads(blob)  # expect: python.pickle-load
    with open(path, "rb") as handle:
        cached = pkl.load(handle)  # expect: python.pickle-load
    obj = loads(blob)  # expect: python.pickle-load
    Unpickler(stream).load()  # expect: python.pickle-load
    fast = _pickle.loads(blob)  # expect: python.pickle-load
    session = dill.loads(blob)  # expect: python.pickle-load
    fn = cloudpickle.loads(blob)  # expect: python.pickle-load
    db = shelve.open(path)  # expect: python.pickle-load
    frame = pd.read_pickle(upload)  # expect: python.pickle-load
    restored = jsonpickle.decode(blob)  # expect: python.pickle-load
    code = marshal.loads(blob)  # expect: python.marshal-load
    marshal.load(stream)  # expect: python.marshal-load
    return state, cached, obj, fast, session, fn, db, frame, restored, code


def read_config(stream, text):
    first = yaml.load(stream)  # expect: python.yaml-load
    second = yaml.load(text, Loader=yaml.Loader)  # expect: python.yaml-load
    third = yaml.unsafe_load(text)  # expect: python.yaml-load
    fourth = yaml.full_load(text)  # expect: python.yaml-load
    fifth = yaml.load(text, FullLoader)  # expect: python.yaml-load
    every = list(yaml.load_all(stream, Loader=yaml.UnsafeLoader))  # expect: python.yaml-load
    return first, second, third, fourth, fifth, every


def load_model(path, checkpoint):
    model = torch.load(path)  # expect: python.torch-load
    weights = torch.load(path, map_location="cpu", weights_only=False)  # expect: python.torch-load
    other = torch_load(checkpoint)  # expect: python.torch-load
    clf = joblib.load("model.joblib")  # expect: python.joblib-load
    reg = joblib_load(path)  # expect: python.joblib-load
    arrays = np.load(path, allow_pickle=True)  # expect: python.numpy-load-pickle
    return model, weights, other, clf, reg, arrays


def safe_loaders(cache, serializer, stream, text, path, obj):
    data = json.loads(text)  # expect: negative
    blob = pickle.dumps(obj)  # expect: negative
    config = yaml.safe_load(stream)  # expect: negative
    explicit = yaml.load(stream, Loader=yaml.SafeLoader)  # expect: negative
    imported = yaml.load(stream, Loader=SafeLoader)  # expect: negative
    fast = yaml.load(stream, Loader=yaml.CSafeLoader)  # expect: negative
    weights = torch.load(path, weights_only=True)  # expect: negative
    arrays = np.load(path)  # expect: negative
    strict = np.load(path, allow_pickle=False)  # expect: negative
    hit = cache.load("key")  # expect: negative
    parsed = serializer.loads(text)  # expect: negative
    frozen = marshal.dumps(obj)  # expect: negative
    table = pd.read_csv(path)  # expect: negative
    joblib.dump(obj, path)  # expect: negative
    return data, blob, config, explicit, imported, fast, weights, arrays, strict, hit, parsed, frozen, table
