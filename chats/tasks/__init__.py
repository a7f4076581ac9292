from chats.tasks.titles import chat_title_generate_task

__all__ = ["chat_title_generate_task"]
