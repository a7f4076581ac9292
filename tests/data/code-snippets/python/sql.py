"""Queries: built from values versus parameterised."""

from django.db import connection
from django.db.models.expressions import RawSQL
from sqlalchemy import text

from app.models import Order, User


def lookups(cursor, cur, db, name, item_id, email, values, order_id, table, pk, session, qs):
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)  # expect: python.sql-injection
    cur.execute(f"DELETE FROM items WHERE id = {item_id}")  # expect: python.sql-injection
    db.executemany("INSERT INTO t VALUES (" + values + ")", [])  # expect: python.sql-injection
    db.executescript("DROP TABLE " + table)  # expect: python.sql-injection
    User.objects.raw("SELECT * FROM auth_user WHERE email = '{}'".format(email))  # expect: python.sql-injection
    cursor.execute("UPDATE orders SET state = 'paid' WHERE id = " + str(order_id))  # expect: python.sql-injection
    qs.extra(where=["name = '%s'" % name])  # expect: python.sql-injection
    Order.objects.annotate(v=RawSQL("select col from t where id = %s" % pk, []))  # expect: python.sql-injection
    Order.objects.annotate(v=RawSQL("select col from t where id = %s" % pk))  # expect: python.sql-injection
    session.execute(text(f"SELECT * FROM t WHERE id = {pk}"))  # expect: python.sql-injection
    with connection.cursor() as c:
        c.execute("SELECT * FROM %s" % table)  # expect: python.sql-injection
    cur.execute("SELECT * FROM foo WHERE id = '{}'".format(item_id))  # expect: python.sql-injection


def built_first(cursor, order_id, name):
    query = "SELECT * FROM orders WHERE id = " + order_id
    cursor.execute(query)  # expect: python.sql-injection
    sql = f"SELECT * FROM t WHERE name = '{name}'"
    sql += " ORDER BY id"
    cursor.execute(sql)  # expect: python.sql-injection


def parameterised(cursor, cur, name, item_id, email, table, session):
    cursor.execute("SELECT * FROM users WHERE name = %s", (name,))  # expect: negative
    cur.execute("SELECT * FROM t WHERE id = ?", [item_id])  # expect: negative
    User.objects.raw("SELECT * FROM auth_user WHERE email = %s", [email])  # expect: negative
    cursor.execute("SELECT count(*) FROM users")  # expect: negative
    session.execute(text("SELECT * FROM t WHERE id = :id"), {"id": item_id})  # expect: negative
    query = "SELECT * FROM t WHERE name = %s"
    cursor.execute(query, [name])  # expect: negative
    cursor.execute("SELECT * FROM " + "users")  # expect: negative
    cur.execute(f"SELECT * FROM {table} WHERE id = %s", (item_id,))  # expect: negative
    message = "Selected %s rows" % item_id  # expect: negative
    print("delete from the cache as the first argument")  # expect: negative
    return message
