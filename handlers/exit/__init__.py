"""/partner exit: step back or end a partnership; resuming after the channel is shared again."""
